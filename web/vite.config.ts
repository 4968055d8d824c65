/// <reference types="vitest/config" />
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API and the telemetry WebSocket to a running gateway
// (`java -jar operator.jar console ...`), so the dev server and the gateway look like one origin.
export default defineConfig(({ mode }) => {
  const env = loadEnv(mode, process.cwd(), '');
  const gateway = env.VITE_GATEWAY_URL || 'http://127.0.0.1:8090';
  return {
    plugins: [react()],
    server: {
      proxy: {
        '/api': { target: gateway, changeOrigin: true },
        '/ws': { target: gateway, changeOrigin: true, ws: true },
      },
    },
    build: { outDir: 'dist', emptyOutDir: true },
    test: {
      environment: 'jsdom',
      globals: true,
      setupFiles: ['./src/test/setup.ts'],
      restoreMocks: true,
    },
  };
});
