/** 融资动态 (docs/console.md, "融资动态"): the recent days day by day, and the feed of financing and onboarding. */
import type { Caller } from '#shared/auth/caller';
import { BadRequestError } from '#shared/http/errors';
import { getDayCounters, getFeedPage } from '#shared/db/stats';
import type { FeedKind } from '#shared/db/keys';
import { findRegion } from '#shared/reference/regions';
import { chinaDateParts, chinaDay, chinaDayStart, chinaIsoDate } from '#shared/time';
import { resolveScope } from '#shared/auth/scope';
import { STATS_PARENT_LEVELS } from '#shared/statistics/queries';
import { FEED_WINDOW_DAYS } from '#shared/rollups/feed';

export async function daily(caller: Caller, query: { region?: string; days: number }, now: Date = new Date()) {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const { year, month, day } = chinaDateParts(now);
  const today = chinaDayStart(year, month, day).getTime();
  const days = Array.from({ length: query.days }, (_, i) => new Date(today - (query.days - 1 - i) * 86_400_000 + 3_600_000));
  const counters = await getDayCounters(region.code, chinaDay(days[0]!), chinaDay(days.at(-1)!));
  return days.map((date) => {
    const item = counters.get(chinaDay(date)) ?? {};
    const n = (name: string) => Number(item[name] ?? 0);
    return {
      date: chinaIsoDate(date),
      demandCount: n('demandCount'),
      demandAmount: n('demandAmount'),
      loanCount: n('loanCount'),
      loanAmount: n('loanAmount'),
      newEnterprises: n('enterpriseCount'),
      newInstitutions: n('institutionCount'),
    };
  });
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort keys a feed page can end on (see feedKeys): anything else is not one of our cursors. */
const FEED_SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#(loan|demand|enterprise|institution)#[A-Za-z0-9._:-]{1,64}$/;
const FEED_KIND_SORT_KEY = /^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[A-Za-z0-9._:-]{1,64}$/;

function decodeCursor(cursor: string, regionCode: string, kind: FeedKind | undefined): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    // A cursor is only good for the feed it came from: never let one reach into another region or kind.
    if (key.pk === `FEED#${regionCode}` && typeof key.sk === 'string' && FEED_SORT_KEY.test(key.sk)) {
      if (!kind) return { pk: key.pk, sk: key.sk };
      if (key.gsi3pk === `FEED#${regionCode}#${kind}` && typeof key.gsi3sk === 'string' && FEED_KIND_SORT_KEY.test(key.gsi3sk)) {
        return { pk: key.pk, sk: key.sk, gsi3pk: key.gsi3pk, gsi3sk: key.gsi3sk };
      }
    }
  } catch {
    // fall through
  }
  throw new BadRequestError('INVALID_CURSOR', '分页游标无效', [{ path: 'query.cursor', message: '无效的游标' }]);
}

export async function feed(
  caller: Caller,
  query: { region?: string; kind?: FeedKind; cursor?: string; limit: number },
  now: Date = new Date(),
) {
  const region = resolveScope(caller, query.region, STATS_PARENT_LEVELS);
  const startKey = query.cursor ? decodeCursor(query.cursor, region.code, query.kind) : undefined;
  const page = await getFeedPage(region.code, query.kind, query.limit, startKey);
  const oldest = now.getTime() - FEED_WINDOW_DAYS * 86_400_000;
  const items = page.items
    .filter((item) => Date.parse(String(item.time)) >= oldest) // expired entries TTL has not removed yet
    .map((item) => ({
      time: String(item.time),
      kind: item.kind as FeedKind,
      title: String(item.title),
      enterpriseName: (item.enterpriseName as string | undefined) ?? null,
      amount: item.amount === undefined ? null : Number(item.amount),
      regionCode: String(item.districtCode),
      regionName: [findRegion(String(item.cityCode))?.name, findRegion(String(item.districtCode))?.name].filter(Boolean).join(' '),
      institutionName: (item.institutionName as string | undefined) ?? null,
    }));
  return { items, nextCursor: page.nextKey ? encodeCursor({ pk: page.nextKey.pk, sk: page.nextKey.sk, ...(page.nextKey.gsi3pk ? { gsi3pk: page.nextKey.gsi3pk, gsi3sk: page.nextKey.gsi3sk } : {}) }) : null };
}
