/**
 * 我的任务: the tasks I claimed (check in, check out, give back) and the services I reported;
 * my own self-report, while it awaits its witness, can be corrected (修改) or withdrawn (撤回); a record
 * whose witness has no phone but a code card (见证码卡) is confirmed by the code the elder reads out.
 */

const session = require('../../api/session')
const tasks = require('../../services/tasks')
const records = require('../../services/records')
const nav = require('../../utils/nav')
const { scanToken } = require('../../utils/scan')

/** A record of mine, marked `mayChange` while it is my own self-report still waiting for its witness. */
function decorate(record, me) {
  const mayChange = record.status === 'reported' && record.source === 'self_report' && !!me && record.volunteer_id === me.id
  return Object.assign({}, record, { mayChange })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { items: [], reported: [] },
  methods: {
    onLoad() {
      this.load()
    },
    /** Back from the report form (a new report, or a correction): read the lists again. */
    onShow() {
      if (this.loaded) this.load()
    },
    load() {
      const both = Promise.all([tasks.mine({ quiet: true }), records.list('mine', { quiet: true })])
      return this.track(both, ([mine, reported]) => {
        this.loaded = true
        const me = session.member()
        this.setData({ items: mine, reported: (reported || []).map((r) => decorate(r, me)) })
        return mine.length + this.data.reported.length > 0
      })
    },
    onCheckIn(e) {
      return this.act(() => tasks.checkIn(e.currentTarget.dataset.id), '已签到')
    },
    onScanCheckIn(e) {
      const id = e.currentTarget.dataset.id
      return scanToken().then((token) => token && this.act(() => tasks.checkIn(id, token), '已签到'))
    },
    onCheckOut(e) {
      const id = e.currentTarget.dataset.id
      return nav.confirmDialog({ title: '签退', content: '服务做完了吗？签退后请对方确认。', confirmText: '做完了，签退', cancelText: '还没有' })
        .then((yes) => yes && tasks.checkOut(id).then((done) => {
          this.load()
          return this.offerConfirmCode(done.record)
        }, () => null))
    },
    /** After check-out: the witness confirms on their own phone, or scans the code shown here. */
    offerConfirmCode(record) {
      if (record && record.status === 'too_short') {
        // Too short to count: nothing to confirm, and the volunteer is told why no time is credited.
        wx.showModal({
          title: '已签退',
          content: `这次服务${record.duration_minutes}分钟，${record.status_label || '时间太短，不计时'}。任务已结束。`,
          confirmText: '知道了',
          showCancel: false,
        })
        return Promise.resolve()
      }
      if (!record || record.status !== 'reported' || !record.witness_id) return nav.toast('已签退')
      return nav.confirmDialog({
        title: '已签退',
        content: `请${record.witness_name}在自己的手机上确认；在身边的话，也可以扫您的确认码。`,
        confirmText: '出示确认码',
        cancelText: '以后再说',
      }).then((yes) => yes && this.showCode(record.id))
    },
    showCode(recordId) {
      wx.navigateTo({ url: `/pages/qr/index?kind=record&id=${recordId}` })
    },
    onShowCode(e) {
      this.showCode(e.currentTarget.dataset.record)
    },
    /**
     * 输入见证码: the elder reads the next unused code off their card; six digits, or nothing is sent.
     * A wrong or used code: the server's words (how many tries are left) have been shown; the list is read again.
     */
    onEnterCode(e) {
      const id = e.currentTarget.dataset.record
      return nav.askText({ title: '输入见证码', placeholder: '请对方念出见证码卡上的6位数字', confirmText: '确认' })
        .then((code) => {
          if (code === null) return false
          if (!/^\d{6}$/.test(code)) {
            wx.showToast({ title: '见证码是6位数字', icon: 'none' })
            return false
          }
          return records.confirmCode(id, code).then((record) => {
            nav.toast(record.status_label || '已确认')
            this.load()
            return true
          }, () => {
            this.load()
            return false
          })
        })
    },
    onRelease(e) {
      const id = e.currentTarget.dataset.id
      return this.act(() => tasks.release(id), '已放弃',
        { title: '放弃这个任务', content: '放弃后任务会回到任务大厅，让别的志愿者来接。', confirmText: '确定放弃', cancelText: '不放弃' })
    },
    onReport() {
      wx.navigateTo({ url: '/pages/report/index' })
    },
    onEditReport(e) {
      wx.navigateTo({ url: `/pages/report/index?id=${e.currentTarget.dataset.record}` })
    },
    /**
     * 撤回, after a plain question. Refused (409: the witness confirmed or disputed it meanwhile),
     * the server's words have been shown and the list is read again, so it shows where it stands.
     */
    onWithdraw(e) {
      const id = e.currentTarget.dataset.record
      return nav.confirmDialog({ title: '撤回这条记录', content: '撤回后这条记录作废，确定撤回吗？', confirmText: '确定撤回', cancelText: '不撤回' })
        .then((yes) => yes && records.withdraw(id).then(() => {
          nav.toast('已撤回')
          this.load()
          return true
        }, (err) => {
          if (err && err.status === 409) this.load()
          return false
        }))
    },
  },
})
