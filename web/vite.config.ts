import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Vendor groups split into their own long-cacheable chunks; order matters (first match wins).
const vendorGroups: { name: string; test: RegExp }[] = [
  { name: 'echarts', test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
  { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ },
  {
    name: 'antd',
    test: /node_modules[\\/](antd|@ant-design|@rc-component|@babel[\\/]runtime|dayjs|@emotion|clsx|stylis)[\\/]/,
  },
];

/** The dashboard: `vite build web` from the repository root writes web/dist, which the server serves at '/'. */
export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  server: {
    proxy: { '/v1': 'http://localhost:3000', '/docs': 'http://localhost:3000' },
  },
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
});
