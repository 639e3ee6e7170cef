/** @type {import('jest').Config} */
const common = {
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json', diagnostics: false }] },
  testEnvironment: 'node',
};

module.exports = {
  // Hooks start simulators and servers; jest only honours this at the top level.
  testTimeout: 120000,
  projects: [
    // Pure functions, one piece at a time.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    // Activities, clients and adapters against the simulators over real HTTP; no Temporal needed.
    { ...common, displayName: 'activity', testMatch: ['<rootDir>/test/activity/**/*.test.ts'] },
    // Workflows, replay and end-to-end on one real Temporal dev server started for the run.
    {
      ...common,
      displayName: 'temporal',
      testMatch: ['<rootDir>/test/{workflow,replay,e2e}/**/*.test.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
    },
  ],
};
