/** ESLint for the mini-program: browser-less CommonJS with WeChat's globals; jest globals in tests. */

const js = require('@eslint/js')
const globals = require('globals')

const wechat = {
  wx: 'readonly', App: 'readonly', Page: 'readonly', Component: 'readonly', Behavior: 'readonly',
  getApp: 'readonly', getCurrentPages: 'readonly', requirePlugin: 'readonly',
}

module.exports = [
  { ignores: ['node_modules/**', 'miniprogram_npm/**', 'coverage/**'] },
  js.configs.recommended,
  {
    files: ['**/*.js'],
    languageOptions: {
      ecmaVersion: 2020,
      sourceType: 'commonjs',
      globals: { ...globals.commonjs, ...wechat, console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly' },
    },
    rules: {
      'no-unused-vars': ['error', { args: 'after-used', argsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      'no-var': 'error',
      'prefer-const': 'error',
    },
  },
  {
    files: ['test/**/*.js', 'tools/**/*.js', 'jest.config.js', 'eslint.config.js'],
    languageOptions: { globals: { ...globals.node, ...globals.jest, document: 'readonly', window: 'readonly' } },
  },
]
