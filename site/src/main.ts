import { createApp } from 'vue';
import ElementPlus from 'element-plus';
import zhCn from 'element-plus/es/locale/lang/zh-cn';
import 'element-plus/dist/index.css';
import './styles.css';
import App from './App.vue';
import { router } from './router';
import { keepSessionAlive, onUnauthorized } from './api/client';

onUnauthorized((redirect) => {
  if (router.currentRoute.value.name !== 'login') void router.replace({ path: '/login', query: { redirect } });
});

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app');

// Requests refresh the token when due; this covers an active user who is only reading.
setInterval(() => void keepSessionAlive(), 60_000);
