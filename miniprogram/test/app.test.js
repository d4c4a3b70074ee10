/**
 * app.json against the files and the server: every page is registered once and exists, the
 * tab pages stay in the main package (subpackages hold only pages opened from elsewhere),
 * every page a server notification links to exists, and no WXML expression calls a method
 * (WeChat's templates cannot; jsdom would let it pass).
 */

const fs = require('fs')
const path = require('path')
const { ROOT } = require('./helpers')
const { TABS } = require('../utils/tabs')

const app = JSON.parse(fs.readFileSync(path.join(ROOT, 'app.json'), 'utf8'))
const main = app.pages
const sub = (app.subPackages || []).flatMap((p) => p.pages.map((page) => `${p.root}/${page}`))
const registered = main.concat(sub)

function walk(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? walk(path.join(dir, d.name)) : [path.join(dir, d.name)]))
}
const wxml = walk(ROOT).filter((f) => f.endsWith('.wxml') && !/node_modules|miniprogram_npm/.test(f))
// pages/<sub>/components/ holds components only that subpackage uses: not pages
const pageFiles = wxml.filter((f) => f.startsWith(path.join(ROOT, 'pages')) && !f.includes(`${path.sep}components${path.sep}`))
  .map((f) => path.relative(ROOT, f).replace(/\.wxml$/, ''))

test('every page file is registered once, and every registered page has its four files', () => {
  expect(registered.slice().sort()).toEqual(pageFiles.slice().sort())
  expect(new Set(registered).size).toBe(registered.length)
  registered.forEach((p) => ['js', 'json', 'wxml', 'wxss'].forEach((ext) => expect(fs.existsSync(path.join(ROOT, `${p}.${ext}`))).toBe(true)))
})

test('the tab pages and the login page are in the main package; no main page sits inside a subpackage', () => {
  const tabs = Object.values(TABS).map((t) => t.url.slice(1)).concat(['pages/login/index'])
  tabs.forEach((t) => expect(main).toContain(t))
  expect(main[0]).toBe('pages/home/index')
  ;(app.subPackages || []).forEach((p) => main.forEach((m) => expect(m.startsWith(`${p.root}/`)).toBe(false)))
  Object.values(app.preloadRule || {}).forEach((rule) => rule.packages.forEach((root) => expect(app.subPackages.map((p) => p.root)).toContain(root)))
})

test('every page the server\'s notifications link to exists', () => {
  const sources = [path.join(ROOT, '..', 'config', 'notification_templates.py')]
    .concat(walk(path.join(ROOT, '..', 'server', 'services')).filter((f) => f.endsWith('.py')))
    .filter((f) => fs.existsSync(f))
  const linked = new Set()
  sources.forEach((f) => (fs.readFileSync(f, 'utf8').match(/pages\/[a-z-]+\/[a-z-]+(?:\/[a-z-]+)?/g) || []).forEach((p) => linked.add(p)))
  expect(linked.size).toBeGreaterThan(5)
  linked.forEach((p) => expect(registered).toContain(p))
})

test('no WXML expression calls a method', () => {
  const calls = []
  wxml.forEach((f) => {
    const src = fs.readFileSync(f, 'utf8')
    ;(src.match(/\{\{[\s\S]*?\}\}/g) || []).forEach((expr) => {
      const bare = expr.replace(/'[^']*'|"[^"]*"/g, "''")
      if (/[A-Za-z_$][\w$]*\s*\(/.test(bare)) calls.push(`${path.relative(ROOT, f)}: ${expr}`)
    })
  })
  expect(calls).toEqual([])
})

test('code and components are reached only where WeChat allows: a subpackage from itself or the main package', () => {
  const roots = (app.subPackages || []).map((p) => path.join(ROOT, p.root) + path.sep)
  const rootOf = (f) => roots.find((r) => f.startsWith(r)) || null
  const wrong = []
  walk(ROOT).filter((f) => /\.(js|json)$/.test(f) && !/node_modules|miniprogram_npm|[/\\](test|tools)[/\\]/.test(f) && !/\.config\.js$|package(-lock)?\.json$/.test(f)).forEach((f) => {
    const src = fs.readFileSync(f, 'utf8')
    const targets = f.endsWith('.js')
      ? (src.match(/require\('(\.[^']+)'\)/g) || []).map((r) => r.slice(9, -2))
      : Object.values((JSON.parse(src).usingComponents) || {})
    targets.forEach((t) => {
      const target = path.resolve(path.dirname(f), t)
      const where = rootOf(target)
      if (where && where !== rootOf(f)) wrong.push(`${path.relative(ROOT, f)} → ${t}`)
    })
  })
  expect(wrong).toEqual([])
})
