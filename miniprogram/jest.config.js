/** jest: components and pages rendered by miniprogram-simulate in jsdom. */
module.exports = {
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.js'],
}
