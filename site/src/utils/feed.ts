import type { FeedKind } from '../api/stats';

export const FEED_KIND_NAMES: Record<FeedKind, string> = {
  loan: '放款',
  demand: '需求',
  enterprise: '企业入驻',
  institution: '机构入驻',
};

export const FEED_KIND_TAGS: Record<FeedKind, 'success' | 'primary' | 'warning' | 'info'> = {
  loan: 'success',
  demand: 'primary',
  enterprise: 'warning',
  institution: 'info',
};
