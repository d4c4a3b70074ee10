/**
 * `make preview`, step 2: screenshot each page rendered by tools/preview.spec.js with headless
 * Chromium (Debian's `chromium`) at a 375px-wide phone screen: NAME.png is the first screen,
 * NAME-full.png the long pages whole. Output: var/preview/.
 */

const fs = require('fs')
const os = require('os')
const path = require('path')
const { spawnSync } = require('child_process')

const PREVIEW = path.join(__dirname, '..', '..', 'var', 'preview')
const HTML = path.join(PREVIEW, 'html')
const WIDTH = 375
const SCREEN = 812
const FULL = 2600

function browser() {
  const candidates = [process.env.CHROMIUM, 'chromium', 'chromium-browser', 'google-chrome'].filter(Boolean)
  for (const c of candidates) {
    if (spawnSync('sh', ['-c', `command -v ${c}`]).status === 0) return c
  }
  throw new Error('没有找到 Chromium：请先 apt-get install -y chromium')
}

function shoot(bin, html, png, height) {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-preview-'))
  try {
    const r = spawnSync(bin, [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`,
      `--screenshot=${png}`, `--window-size=${WIDTH},${height}`, `file://${html}`,
    ], { encoding: 'utf8', timeout: 60000 })
    if (!fs.existsSync(png)) throw new Error(`no screenshot for ${html}: ${r.stderr}`)
  } finally {
    fs.rmSync(profile, { recursive: true, force: true })
  }
}

function main() {
  const bin = browser()
  const pages = fs.readdirSync(HTML).filter((f) => f.endsWith('.html')).sort()
  pages.forEach((file) => {
    const name = file.replace(/\.html$/, '')
    const meta = JSON.parse(fs.readFileSync(path.join(HTML, `${name}.json`), 'utf8'))
    shoot(bin, path.join(HTML, file), path.join(PREVIEW, `${name}.png`), SCREEN)
    if (meta.full) shoot(bin, path.join(HTML, file), path.join(PREVIEW, `${name}-full.png`), FULL)
    console.log(`var/preview/${name}.png${meta.full ? ` + ${name}-full.png` : ''}`)
  })
  console.log(`${pages.length} pages`)
}

main()
