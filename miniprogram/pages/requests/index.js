/** 我的求助: my household's requests (who is coming, cancel) and the services waiting for my 见证确认. */

const requests = require('../../services/requests')
const records = require('../../services/records')
const witness = require('../../flows/witness')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const CANCELLABLE = ['open', 'claimed']

function decorate(r, waiting) {
  return Object.assign({}, r, {
    when: format.windowText(r.window_start, r.window_end),
    estimate: r.estimated_minutes ? format.hours(r.estimated_minutes) : '',
    cancellable: CANCELLABLE.indexOf(r.status) >= 0,
    // Shown once: a record already listed under 请您确认 is confirmed there.
    confirmable: r.status === 'done' && !!r.record_id && waiting.indexOf(r.record_id) < 0,
  })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [], toConfirm: [] },
  methods: {
    onLoad() {
      this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh && wx.stopPullDownRefresh())
    },
    load() {
      const both = Promise.all([requests.list({ quiet: true }), records.list('to_confirm', { quiet: true })])
      return this.track(both, ([list, toConfirm]) => {
        const waiting = (toConfirm || []).map((rec) => rec.id)
        this.setData({ items: (list || []).map((r) => decorate(r, waiting)), toConfirm: toConfirm || [] })
        return this.data.items.length + this.data.toConfirm.length > 0
      })
    },
    reloadIf(done) {
      return done ? this.load() : null
    },
    onConfirm(e) {
      return witness.confirm(e.currentTarget.dataset.record).then((ok) => this.reloadIf(ok))
    },
    onDispute(e) {
      return witness.dispute(e.currentTarget.dataset.record).then((ok) => this.reloadIf(ok))
    },
    onScan() {
      return witness.scanAndConfirm().then((ok) => this.reloadIf(ok))
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
    onCancel(e) {
      const id = e.currentTarget.dataset.id
      return nav.confirmDialog({ title: '取消求助', content: '确定不需要这次服务了吗？', confirmText: '确定取消', cancelText: '不取消' })
        .then((yes) => yes && requests.cancel(id).then(() => {
          nav.toast('已取消')
          return this.load()
        }, () => null))
    },
    onBook() {
      wx.navigateTo({ url: '/pages/booking/index' })
    },
  },
})
