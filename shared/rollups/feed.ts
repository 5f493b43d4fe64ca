/**
 * The financing dynamics feed (融资动态): one entry per new demand, loan, enterprise registration and
 * institution onboarding, for the nation, the province and the city, derived from stream records like
 * the counters. Entries are kept for FEED_WINDOW_DAYS (TTL) and written with deterministic keys, so a
 * redelivered record rewrites the same entries.
 */
import { feedKeys, type FeedKind } from '#shared/db/keys';
import { epochSeconds } from '#shared/time';
import { NATION_CODE } from '#shared/reference/regions';

export const FEED_WINDOW_DAYS = 90;

type Item = Record<string, unknown>;

export interface FeedEntry {
  kind: FeedKind;
  time: string;
  id: string;
  title: string;
  enterpriseName?: string;
  institutionName?: string;
  amount?: number;
  districtCode: string;
  cityCode: string;
  provinceCode: string;
}

function newlySet(oldImage: Item | undefined, newImage: Item | undefined, field: string): string | undefined {
  const value = newImage?.[field];
  if (typeof value !== 'string' || value === '') return undefined;
  return oldImage?.[field] ? undefined : value;
}

/** The feed entries a change introduces (none for changes that are not onboarding or financing). */
export function feedEntries(oldImage: Item | undefined, newImage: Item | undefined): FeedEntry[] {
  if (!newImage) return [];
  const place = {
    districtCode: String(newImage.districtCode),
    cityCode: String(newImage.cityCode),
    provinceCode: String(newImage.provinceCode),
  };
  const entries: FeedEntry[] = [];
  switch (newImage.entity) {
    case 'order': {
      const enterpriseName = String(newImage.enterpriseName ?? '');
      const submittedAt = newlySet(oldImage, newImage, 'submittedAt');
      if (submittedAt) {
        entries.push({ kind: 'demand', time: submittedAt, id: String(newImage.orderId), title: `${enterpriseName} 发布融资需求`, enterpriseName, amount: Number(newImage.requestedAmount), ...place });
      }
      const loanedAt = newlySet(oldImage, newImage, 'loanedAt');
      if (loanedAt) {
        const institutionName = String(newImage.institutionName ?? '');
        entries.push({ kind: 'loan', time: loanedAt, id: String(newImage.orderId), title: `${enterpriseName} 获得${institutionName}放款`, enterpriseName, institutionName, amount: Number(newImage.loanAmount), ...place });
      }
      break;
    }
    case 'enterprise': {
      const registeredAt = newlySet(oldImage, newImage, 'registeredAt');
      if (registeredAt) entries.push({ kind: 'enterprise', time: registeredAt, id: String(newImage.enterpriseId), title: `${String(newImage.name)} 注册入驻平台`, enterpriseName: String(newImage.name), ...place });
      break;
    }
    case 'institution': {
      if (!oldImage && newImage.status === 'enabled') {
        entries.push({ kind: 'institution', time: String(newImage.createdAt), id: String(newImage.id), title: `${String(newImage.fullName)} 入驻平台`, institutionName: String(newImage.fullName), ...place });
      }
      break;
    }
    default:
      break;
  }
  return entries;
}

/** The stored items of an entry (nation, province and city), or none when it is older than the window. */
export function feedItems(entry: FeedEntry, now: Date): Record<string, unknown>[] {
  const time = Date.parse(entry.time);
  if (now.getTime() - time > FEED_WINDOW_DAYS * 86_400_000) return [];
  const ttl = epochSeconds(time) + FEED_WINDOW_DAYS * 86_400;
  return [NATION_CODE, entry.provinceCode, entry.cityCode].map((region) => ({
    ...feedKeys(region, entry.time, entry.kind, entry.id),
    entity: 'feed',
    ...entry,
    ttl,
  }));
}
