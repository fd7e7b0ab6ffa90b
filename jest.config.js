/** ts-jest transpiles only; `tsc --noEmit` (in `npm test`) does the type check once for the whole tree. */
const tsJest = ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true, allowJs: true, module: 'commonjs' } }];
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // middy and jose ship ES modules only; jest's module system needs them as CommonJS.
  transform: { '^.+\\.ts$': tsJest, '^.+/node_modules/(@middy|jose)/.+\\.js$': tsJest },
  transformIgnorePatterns: ['/node_modules/(?!@middy/|jose/)'],
  setupFiles: ['<rootDir>/tests/helpers/env.ts'],
  testTimeout: 60000,
  maxWorkers: 2,
};
