/**
 * Routes of the console. Every page but the login belongs to a module (`meta.module`); the guard
 * lets a user open only the modules `GET /me` lists for them.
 */
import { createRouter, createWebHistory } from 'vue-router';
import { ElMessage } from 'element-plus';
import { loadMe, session } from './stores/session';
import { firstModulePath } from './utils/modules';
import { errorMessage } from './api/client';
import AppLayout from './layout/AppLayout.vue';

declare module 'vue-router' {
  interface RouteMeta {
    /** The module key of docs/http-api.md, "Auth" (`modules`) this page belongs to. */
    module?: string;
    /** Breadcrumb trail after 主页. */
    crumbs?: string[];
    public?: boolean;
    /** accounts pages: which accounts the list shows. */
    tier?: 'peer' | 'subordinate';
  }
}

export const router = createRouter({
  history: createWebHistory('/'),
  routes: [
    { path: '/login', name: 'login', component: () => import('./views/login/LoginPage.vue'), meta: { public: true } },
    {
      path: '/',
      component: AppLayout,
      children: [
        { path: '', name: 'home', redirect: () => (session.me ? firstModulePath(session.me) : '/dashboard') },
        {
          path: 'dashboard',
          name: 'dashboard',
          component: () => import('./views/dashboard/DashboardPage.vue'),
          meta: { module: 'dashboard', crumbs: ['数据中心'] },
        },
        {
          path: 'regional-stats',
          name: 'regional-stats',
          component: () => import('./views/regional/RegionalStatsPage.vue'),
          meta: { module: 'regional-stats', crumbs: ['区域数据统计'] },
        },
        { path: 'institution-stats', redirect: '/institution-stats/overview' },
        {
          path: 'institution-stats/overview',
          name: 'institution-stats-overview',
          component: () => import('./views/institution-stats/InstitutionOverviewPage.vue'),
          meta: { module: 'institution-stats', crumbs: ['机构数据统计', '数据概览'] },
        },
        {
          path: 'institution-stats/ranking',
          name: 'institution-stats-ranking',
          component: () => import('./views/institution-stats/InstitutionRankingPage.vue'),
          meta: { module: 'institution-stats', crumbs: ['机构数据统计', '数据排行'] },
        },
        {
          path: 'institution-stats/types',
          name: 'institution-stats-types',
          component: () => import('./views/institution-stats/InstitutionTypesPage.vue'),
          meta: { module: 'institution-stats', crumbs: ['机构数据统计', '类型统计'] },
        },
        {
          path: 'supervision',
          name: 'supervision',
          component: () => import('./views/supervision/SupervisionPage.vue'),
          meta: { module: 'supervision', crumbs: ['督办'] },
        },
        {
          path: 'data-quality',
          name: 'data-quality',
          component: () => import('./views/data-quality/DataQualityPage.vue'),
          meta: { module: 'data-quality', crumbs: ['数据质量'] },
        },
        {
          path: 'institutions',
          name: 'institutions',
          component: () => import('./views/institutions/InstitutionsPage.vue'),
          meta: { module: 'institutions', crumbs: ['机构管理', '列表'] },
        },
        {
          path: 'subordinate-accounts',
          name: 'subordinate-accounts',
          component: () => import('./views/accounts/AccountsPage.vue'),
          meta: { module: 'subordinate-accounts', tier: 'subordinate', crumbs: ['账号管理', '列表'] },
        },
        {
          path: 'dynamics',
          name: 'dynamics',
          component: () => import('./views/dynamics/DynamicsPage.vue'),
          meta: { module: 'dynamics', crumbs: ['融资动态'] },
        },
        {
          path: 'accounts',
          name: 'accounts',
          component: () => import('./views/accounts/AccountsPage.vue'),
          meta: { module: 'accounts', tier: 'peer', crumbs: ['账号管理', '列表'] },
        },
        {
          path: 'audit-log',
          name: 'audit-log',
          component: () => import('./views/audit/AuditLogPage.vue'),
          meta: { module: 'audit-log', crumbs: ['审计日志'] },
        },
      ],
    },
    { path: '/:pathMatch(.*)*', redirect: '/' },
  ],
});

router.beforeEach(async (to) => {
  if (to.meta.public) {
    // A signed-in user opening the login page goes to the console instead.
    if (to.name === 'login' && session.isSignedIn && session.me && !to.query.redirect) return firstModulePath(session.me);
    return true;
  }
  if (!session.isSignedIn) return { path: '/login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} };
  if (!session.me) {
    try {
      await loadMe();
    } catch (error) {
      if (!session.isSignedIn) return { path: '/login', query: { redirect: to.fullPath } };
      ElMessage.error(errorMessage(error));
      return false;
    }
  }
  const me = session.me!;
  const module = to.meta.module;
  if (module && !me.modules.includes(module)) {
    ElMessage.warning('当前账号无权访问该模块，已为您打开首个可用模块');
    return firstModulePath(me);
  }
  return true;
});
