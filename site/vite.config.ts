/**
 * The admin site: a Vue 3 single-page app served from `site/dist` (locally by the stack's HTTP
 * server, in the cloud from S3 behind CloudFront). Build: `npm run build:site`.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const siteRoot = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root: siteRoot,
  base: '/',
  publicDir: 'public',
  plugins: [vue()],
  server: {
    // `npm run dev:site` proxies the API to a running `npm start`.
    proxy: { '/api': { target: process.env.API_ORIGIN ?? 'http://127.0.0.1:3000', changeOrigin: false } },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        // Libraries change rarely: separate chunks stay cached across releases of the app code.
        codeSplitting: {
          groups: [
            { name: 'echarts', test: /node_modules[\\/](echarts|zrender)[\\/]/, priority: 30 },
            { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@popperjs|async-validator|dayjs|lodash-es|lodash-unified|@vueuse|memoize-one|normalize-wheel-es|@ctrl)[\\/]/, priority: 20 },
            { name: 'vue', test: /node_modules[\\/](vue|@vue|vue-router)[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
