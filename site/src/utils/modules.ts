/** The console's modules (docs/http-api.md, "Auth" (`modules`)), in the menu order of docs/console.md */
import type { RouteLocationNormalized } from 'vue-router';
import { session, type MeView as Me } from '../stores/session';

export interface ModuleEntry {
  key: string;
  /** Menu and breadcrumb name. */
  title: string;
  path: string;
  icon: string;
  children?: { title: string; path: string }[];
}

export function moduleEntries(me: Me): ModuleEntry[] {
  const all: ModuleEntry[] = [
    { key: 'dashboard', title: '数据中心', path: '/dashboard', icon: 'DataBoard' },
    { key: 'regional-stats', title: '区域数据统计', path: '/regional-stats', icon: 'MapLocation' },
    {
      key: 'institution-stats',
      title: '机构数据统计',
      path: '/institution-stats',
      icon: 'OfficeBuilding',
      children: [
        { title: '数据概览', path: '/institution-stats/overview' },
        { title: '数据排行', path: '/institution-stats/ranking' },
        { title: '类型统计', path: '/institution-stats/types' },
      ],
    },
    { key: 'supervision', title: '督办', path: '/supervision', icon: 'AlarmClock' },
    { key: 'data-quality', title: '数据质量', path: '/data-quality', icon: 'Checked' },
    { key: 'institutions', title: '机构管理', path: '/institutions', icon: 'School' },
    { key: 'subordinate-accounts', title: subordinateTitle(me), path: '/subordinate-accounts', icon: 'Avatar' },
    { key: 'dynamics', title: '融资动态', path: '/dynamics', icon: 'TrendCharts' },
    { key: 'accounts', title: '账号管理', path: '/accounts', icon: 'User' },
    { key: 'audit-log', title: '审计日志', path: '/audit-log', icon: 'Tickets' },
  ];
  return all.filter((entry) => me.modules.includes(entry.key));
}

/** 市级账号管理 for province users, 省级账号管理 for national users. */
export function subordinateTitle(me: Me | null): string {
  return me?.scope.level === 'national' ? '省级账号管理' : '市级账号管理';
}

/** The first module the user may open (where the guard sends a refused navigation). */
export function firstModulePath(me: Me): string {
  return moduleEntries(me)[0]?.path ?? '/login';
}

/** The breadcrumb of a route after 主页 (the subordinate accounts page is named after the role). */
export function crumbsOf(route: RouteLocationNormalized): string[] {
  if (route.meta.module === 'subordinate-accounts') return [subordinateTitle(session.me), '列表'];
  return route.meta.crumbs ?? [];
}
