/** jest config for `make preview`: renders every page to HTML (tools/preview.spec.js); not part of the tests. */
module.exports = {
  rootDir: '..',
  testEnvironment: 'jsdom',
  roots: ['<rootDir>/tools'],
  testMatch: ['**/preview.spec.js'],
}
