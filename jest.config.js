/**
 * One jest run covers the whole repo. Test tiers are visible in file names:
 *   *.test.ts              pure logic, no I/O
 *   *.integration.test.ts  real Kafka / ClickHouse / Redis started by scripts/stack
 *   *.e2e.test.ts          several services wired together on the real stack
 *   *.cluster.test.ts      faults on the cluster topology (test/cluster; only under
 *                          STACK_TOPOLOGY=cluster, which `npm run test:cluster` sets)
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/scripts', '<rootDir>/test', '<rootDir>/bench', '<rootDir>/deploy'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts', '**/scripts/**/*.test.ts', '**/deploy/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', ...(process.env.STACK_TOPOLOGY === 'cluster' ? [] : ['/test/cluster/'])],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@cdnlog/common$': '<rootDir>/libs/common/src/index.ts',
    '^@cdnlog/common/(.*)$': '<rootDir>/libs/common/src/$1',
  },
  testTimeout: 60000,
};
