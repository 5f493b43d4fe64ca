import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { matchesAny, matchesPattern, validatePatterns } from '#local/stream-filter';
import { ROLLUP_SOURCE_ENTITIES, rollupStreamFilterPatterns } from '#shared/db/table';

type Image = Record<string, Record<string, unknown>>;

function streamRecord(eventName: 'INSERT' | 'MODIFY' | 'REMOVE', images: { NewImage?: Image; OldImage?: Image }) {
  return {
    eventID: 'e1',
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: { Keys: { pk: { S: 'ORDER#1' }, sk: { S: 'ORDER' } }, ...images, SequenceNumber: '100', StreamViewType: 'NEW_AND_OLD_IMAGES' },
  };
}

function image(entity: string, extra: Image = {}): Image {
  return { pk: { S: 'X#1' }, sk: { S: 'X' }, entity: { S: entity }, ...extra };
}

describe('rollup stream filter patterns', () => {
  it('let through the insert of an order', () => {
    const record = streamRecord('INSERT', { NewImage: image('order') });

    const isDelivered = matchesAny(record, rollupStreamFilterPatterns());

    expect(isDelivered).toBe(true);
  });

  it('let through the removal of an order, which has only an old image', () => {
    const record = streamRecord('REMOVE', { OldImage: image('order') });

    const isDelivered = matchesAny(record, rollupStreamFilterPatterns());

    expect(isDelivered).toBe(true);
  });

  it('drop changes of rollup items', () => {
    const record = streamRecord('MODIFY', { OldImage: image('stat'), NewImage: image('stat') });

    const isDelivered = matchesAny(record, rollupStreamFilterPatterns());

    expect(isDelivered).toBe(false);
  });

  it('let a record through exactly when one of its images has a source entity', () => {
    const entity = fc.oneof(fc.constantFrom(...ROLLUP_SOURCE_ENTITIES, 'stat', 'session', 'audit'), fc.string());
    fc.assert(
      fc.property(fc.option(entity, { nil: undefined }), fc.option(entity, { nil: undefined }), (oldEntity, newEntity) => {
        fc.pre(oldEntity !== undefined || newEntity !== undefined);
        const record = streamRecord('MODIFY', {
          ...(oldEntity !== undefined ? { OldImage: image(oldEntity) } : {}),
          ...(newEntity !== undefined ? { NewImage: image(newEntity) } : {}),
        });
        const isSource = (name: string | undefined) => (ROLLUP_SOURCE_ENTITIES as readonly string[]).includes(name ?? '');

        const isDelivered = matchesAny(record, rollupStreamFilterPatterns());

        expect(isDelivered).toBe(isSource(oldEntity) || isSource(newEntity));
      }),
    );
  });
});

describe('matchesPattern', () => {
  it('treats the values of an array as alternatives', () => {
    const pattern = { eventName: ['INSERT', 'REMOVE'] };

    const results = ['INSERT', 'MODIFY', 'REMOVE'].map((eventName) => matchesPattern({ eventName }, pattern));

    expect(results).toEqual([true, false, true]);
  });

  it('requires every field of the pattern to match', () => {
    const pattern = { eventName: ['INSERT'], dynamodb: { NewImage: { entity: { S: ['order'] } } } };

    const result = matchesPattern(streamRecord('MODIFY', { NewImage: image('order') }), pattern);

    expect(result).toBe(false);
  });

  it('does not match a value of another type that prints the same', () => {
    const pattern = { count: [5] };

    const result = matchesPattern({ count: '5' }, pattern);

    expect(result).toBe(false);
  });

  it('does not match a nested pattern against a missing object', () => {
    const pattern = { dynamodb: { NewImage: { entity: { S: ['order'] } } } };

    const result = matchesPattern(streamRecord('REMOVE', { OldImage: image('order') }), pattern);

    expect(result).toBe(false);
  });

  it('matches prefix rules at the start of a string only', () => {
    const pattern = { dynamodb: { Keys: { pk: { S: [{ prefix: 'ORDER#' }] } } } };

    const results = ['ORDER#1', 'XORDER#1'].map((pk) => matchesPattern({ dynamodb: { Keys: { pk: { S: pk } } } }, pattern));

    expect(results).toEqual([true, false]);
  });

  it('matches suffix rules at the end of a string only', () => {
    const pattern = { name: [{ suffix: '.png' }] };

    const results = ['logo.png', 'logo.png.txt'].map((name) => matchesPattern({ name }, pattern));

    expect(results).toEqual([true, false]);
  });

  it('matches anything-but rules on present values outside the list only', () => {
    const pattern = { entity: [{ 'anything-but': ['stat', 'audit'] }] };

    const results = [{ entity: 'order' }, { entity: 'stat' }, {}].map((record) => matchesPattern(record, pattern));

    expect(results).toEqual([true, false, false]);
  });

  it('matches anything-but prefix rules on values without the prefix', () => {
    const pattern = { pk: [{ 'anything-but': { prefix: 'STAT#' } }] };

    const results = ['ORDER#1', 'STAT#110000#2024'].map((pk) => matchesPattern({ pk }, pattern));

    expect(results).toEqual([true, false]);
  });

  it('matches exists rules on the presence of a field', () => {
    const hasNew = { dynamodb: { NewImage: [{ exists: true }] } };
    const lacksNew = { dynamodb: { NewImage: [{ exists: false }] } };
    const removal = streamRecord('REMOVE', { OldImage: image('order') });

    const results = [matchesPattern(removal, hasNew), matchesPattern(removal, lacksNew)];

    expect(results).toEqual([false, true]);
  });

  it('matches exists false below a missing parent', () => {
    const pattern = { dynamodb: { NewImage: { entity: [{ exists: false }] } } };

    const result = matchesPattern(streamRecord('REMOVE', { OldImage: image('order') }), pattern);

    expect(result).toBe(true);
  });

  it('compares numeric rules with the numbers stream records carry as strings', () => {
    const pattern = { dynamodb: { NewImage: { amount: { N: [{ numeric: ['>', 0, '<=', 100] }] } } } };
    const withAmount = (amount: string) => streamRecord('INSERT', { NewImage: image('order', { amount: { N: amount } }) });

    const results = ['0', '50', '100', '100.5'].map((amount) => matchesPattern(withAmount(amount), pattern));

    expect(results).toEqual([false, true, true, false]);
  });

  it('matches an array-valued field when any element matches', () => {
    const pattern = { dynamodb: { NewImage: { tags: { SS: ['vip'] } } } };

    const result = matchesPattern(streamRecord('INSERT', { NewImage: image('order', { tags: { SS: ['new', 'vip'] } }) }), pattern);

    expect(result).toBe(true);
  });

  it('accepts a plain value as a one-element list', () => {
    const pattern = { eventName: 'INSERT' };

    const result = matchesPattern({ eventName: 'INSERT' }, pattern);

    expect(result).toBe(true);
  });

  it('matches nothing with an empty list of alternatives', () => {
    const pattern = { eventName: [] };

    const result = matchesPattern({ eventName: 'INSERT' }, pattern);

    expect(result).toBe(false);
  });

  it('throws on an unknown rule', () => {
    const pattern = { name: [{ wildcard: '*.png' }] };

    const act = () => matchesPattern({ name: 'a.png' }, pattern);

    expect(act).toThrow(/invalid filter value/);
  });
});

describe('matchesAny', () => {
  it('lets everything through when there are no patterns', () => {
    const record = streamRecord('INSERT', { NewImage: image('stat') });

    const result = matchesAny(record, []);

    expect(result).toBe(true);
  });
});

describe('validatePatterns', () => {
  it('accepts the rollup patterns', () => {
    const act = () => validatePatterns(rollupStreamFilterPatterns());

    expect(act).not.toThrow();
  });

  it('rejects a malformed numeric rule', () => {
    const act = () => validatePatterns([{ amount: [{ numeric: ['>>', 1] }] }]);

    expect(act).toThrow(/invalid numeric filter rule/);
  });

  it('rejects a rule with the wrong argument type', () => {
    const act = () => validatePatterns([{ pk: [{ prefix: 7 }] }]);

    expect(act).toThrow(/invalid prefix filter rule/);
  });
});
