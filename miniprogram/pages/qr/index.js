/**
 * 出示二维码: a short-lived token shown as a QR for someone else to scan — the volunteer's
 * code for the witness to confirm a service (kind=record), the family's code for the
 * volunteer to check in (kind=task), the station's code for an activity (kind=event).
 * A new code is fetched by itself when the old one runs out.
 */

const records = require('../../services/records')
const tasks = require('../../services/tasks')
const events = require('../../services/events')
const format = require('../../utils/format')

const KINDS = {
  record: {
    title: '服务确认码',
    heading: '请对方扫码确认服务',
    steps: ['请服务对象或家人打开爱心银行', '点“我的求助”里的“扫志愿者的码”', '对准下面的二维码'],
    fetch: (id) => records.qr(id, { quiet: true }),
  },
  task: {
    title: '上门签到码',
    heading: '请志愿者扫码签到',
    steps: ['志愿者到家后，请他打开爱心银行', '在“我的任务”里点“扫码签到”', '对准下面的二维码'],
    fetch: (id) => tasks.checkInQr(id, { quiet: true }),
  },
  event: {
    title: '活动签到码',
    heading: '请报名的志愿者扫码签到',
    steps: ['志愿者打开爱心银行的活动页', '点“扫码签到”', '对准下面的二维码'],
    fetch: (id) => events.qr(id, { quiet: true }),
  },
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { kind: '', id: null, heading: '', steps: [], about: '', token: '', until: '', left: '', expired: false },
  lifetimes: {
    detached() {
      this.stopClock()
    },
  },
  methods: {
    onLoad(query) {
      const kind = KINDS[query && query.kind] ? query.kind : 'record'
      const k = KINDS[kind]
      this.setData({ kind, id: Number(query && query.id), heading: k.heading, steps: k.steps, about: (query && query.about) ? decodeURIComponent(query.about) : '' })
      if (wx.setNavigationBarTitle) wx.setNavigationBarTitle({ title: k.title })
      this.load()
    },
    onUnload() {
      this.stopClock()
    },
    load() {
      this.stopClock()
      return this.track(KINDS[this.data.kind].fetch(this.data.id), (qr) => {
        this.expiresAt = format.epochMs(qr.expires_at)
        this.setData({ token: qr.token, until: format.time(qr.expires_at), expired: false })
        this.tick()
        this.clock = setInterval(() => this.tick(), 1000)
      })
    },
    tick() {
      const seconds = (this.expiresAt - Date.now()) / 1000
      if (seconds > 0) {
        this.setData({ left: format.countdown(seconds) })
        return
      }
      // Run out: say so, and fetch a new one once (a failure shows the error with a retry button).
      this.stopClock()
      this.setData({ expired: true, left: '' })
      this.load()
    },
    stopClock() {
      if (this.clock) clearInterval(this.clock)
      this.clock = null
    },
    onRefresh() {
      return this.load()
    },
  },
})
