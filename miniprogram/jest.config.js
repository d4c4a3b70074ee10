/** jest: components and pages rendered by miniprogram-simulate in jsdom. */
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.js'],
  // The first render of a page with many components compiles them all; on a shared, busy machine that passes
  // jest's 5 s default, which would make a test's outcome depend on the machine's load.
  testTimeout: 60000,
}
