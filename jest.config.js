/**
 * One jest run covers the whole repo. Test tiers are visible in file names:
 *   *.test.ts              pure logic, no I/O
 *   *.integration.test.ts  real Kafka / ClickHouse / Redis started by scripts/stack
 *   *.e2e.test.ts          several services wired together on the real stack
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/libs', '<rootDir>/services', '<rootDir>/scripts', '<rootDir>/test', '<rootDir>/bench', '<rootDir>/deploy'],
  testMatch: ['**/src/**/*.test.ts', '**/test/**/*.test.ts', '**/scripts/**/*.test.ts', '**/deploy/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@cdnlog/common$': '<rootDir>/libs/common/src/index.ts',
    '^@cdnlog/common/(.*)$': '<rootDir>/libs/common/src/$1',
  },
  testTimeout: 60000,
};
