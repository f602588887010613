import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // ingest/main.ts imports build/handler.js and serves it beside the
    // tracking API and Socket.IO on one HTTP server.
    adapter: adapter({ out: 'build' }),
  },
};

export default config;
