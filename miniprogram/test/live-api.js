/**
 * The real stack for the end-to-end suite: `python -m server.run` (API, RQ worker, cron, demo
 * data) on a free port, a fresh SQLite file and a Redis database of its own.
 */

const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const http = require('http')
const { spawn, spawnSync } = require('child_process')

const REPO = path.join(__dirname, '..', '..')
const PYTHON = path.join(REPO, '.venv', 'bin', 'python')

function available() {
  return fs.existsSync(PYTHON)
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
    srv.on('error', reject)
  })
}

function redisAnswers(url) {
  const u = new URL(url)
  return new Promise((resolve) => {
    const sock = net.connect(Number(u.port || 6379), u.hostname)
    const done = (ok) => { sock.destroy(); resolve(ok) }
    sock.setTimeout(500, () => done(false))
    sock.on('error', () => done(false))
    sock.on('connect', () => sock.write('PING\r\n'))
    sock.on('data', (d) => done(String(d).startsWith('+PONG')))
  })
}

/** A database of its own, next to the tests' (as tests/test_run.py does), so its worker takes no one else's jobs. */
async function ownRedis() {
  const base = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379/13'
  const i = base.lastIndexOf('/')
  const url = `${base.slice(0, i)}/${(Number(base.slice(i + 1) || 0) + 9) % 16}`
  return (await redisAnswers(url)) ? url : null // null: server.run starts its embedded Redis
}

function get(url) {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let raw = ''
      res.on('data', (c) => { raw += c })
      res.on('end', () => resolve({ status: res.statusCode, body: raw }))
    }).on('error', reject)
  })
}

async function start() {
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lb-e2e-'))
  // One address logs in as a dozen demo members in under a minute: the login limit per address is for
  // strangers, not for this suite (tests/resources/test_rate_limits.py checks the limits themselves).
  const env = {
    ...process.env,
    PORT: String(port),
    DATABASE_URL: `sqlite:///${path.join(dir, 'e2e.db')}`,
    DEV_LOGIN: '1',
    RATE_LIMIT_LOGIN_PER_IP: '1000/minute',
  }
  const redis = await ownRedis()
  if (redis) env.REDIS_URL = redis
  else delete env.REDIS_URL
  let log = ''
  const proc = spawn(PYTHON, ['-m', 'server.run'], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] })
  proc.stdout.on('data', (d) => { log += d })
  proc.stderr.on('data', (d) => { log += d })
  const origin = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 60000
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`server.run exited:\n${log}`)
    try {
      // The demo data is loaded before the API starts: answering dev-logins means ready.
      const r = await get(`${origin}/api/v1/auth/dev-logins`)
      if (r.status === 200) break
    } catch (_err) { /* not up yet */ }
    if (Date.now() > deadline) {
      proc.kill('SIGINT')
      throw new Error(`the API did not answer within a minute:\n${log}`)
    }
    await new Promise((r) => setTimeout(r, 300))
  }
  return {
    origin,
    /**
     * Let time pass for an open visit: move the check-in of the task's visit back by `minutes`
     * in this run's own database. The server measures service time by its clock between check-in
     * and check-out; a test cannot wait an hour and a half, so the clock's start is moved instead.
     */
    backdateCheckIn(taskId, minutes) {
      const code = [
        'import datetime as dt, sys',
        'from config import settings',
        'from server.db import init_db',
        "init_db(settings.load()['DATABASE_URL'])",
        'from server.models import TaskVisit',
        'v = TaskVisit.get(TaskVisit.task == int(sys.argv[1]), TaskVisit.checked_out_at.is_null())',
        'v.checked_in_at = v.checked_in_at - dt.timedelta(minutes=int(sys.argv[2]))',
        'v.save()',
      ].join('\n')
      const r = spawnSync(PYTHON, ['-c', code, String(taskId), String(minutes)], { cwd: REPO, env, encoding: 'utf8' })
      if (r.status !== 0) throw new Error(`could not move the check-in back: ${r.stderr}`)
    },
    stop() {
      return new Promise((resolve) => {
        if (proc.exitCode !== null) { resolve(); return }
        proc.on('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true })
          resolve()
        })
        proc.kill('SIGINT') // server.run stops its gunicorn, worker and cron on Ctrl-C
      })
    },
  }
}

module.exports = { available, start }
