/**
 * What a household does with its own request, wherever it is shown (我的求助, 求助详情):
 * confirm or dispute the finished service, call the volunteer, cancel, show the check-in
 * code. The page provides `load()`, run again after a change.
 */

const requests = require('../services/requests')
const witness = require('../flows/witness')
const format = require('../utils/format')

const CANCELLABLE = ['open', 'claimed']

/** A request as the household reads it; `waiting`: record ids already listed under 请您确认. */
function decorate(r, waiting) {
  return Object.assign({}, r, {
    when: format.windowText(r.window_start, r.window_end),
    estimate: r.estimated_minutes ? format.hours(r.estimated_minutes) : '',
    cancellable: CANCELLABLE.indexOf(r.status) >= 0,
    // When the volunteer arrives, the family shows this code and the volunteer scans it to check in.
    checkinCode: r.status === 'claimed' && !!r.task_id,
    // Shown once: a record already listed under 请您确认 is confirmed there.
    confirmable: r.status === 'done' && !!r.record_id && (waiting || []).indexOf(r.record_id) < 0,
  })
}

const RequestActions = Behavior({
  methods: {
    reloadIf(done) {
      return done ? this.load() : null
    },
    onConfirm(e) {
      return witness.confirm(e.currentTarget.dataset.record).then((changed) => this.reloadIf(changed))
    },
    onDispute(e) {
      return witness.dispute(e.currentTarget.dataset.record).then((changed) => this.reloadIf(changed))
    },
    onScan() {
      return witness.scanAndConfirm().then((changed) => this.reloadIf(changed))
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
    onCancel(e) {
      const id = e.currentTarget.dataset.id
      return this.act(() => requests.cancel(id), '已取消',
        { title: '取消求助', content: '确定不需要这次服务了吗？', confirmText: '确定取消', cancelText: '不取消' })
    },
    onCheckinCode(e) {
      wx.navigateTo({ url: `/pages/qr/index?kind=task&id=${e.currentTarget.dataset.task}` })
    },
  },
})

module.exports = { RequestActions, decorate }
