/**
 * 活动详情: what, when, where, how full; a volunteer signs up (or joins the waitlist), cancels,
 * and scans in at the activity; the station shows the check-in QR and closes the activity,
 * which credits every checked-in volunteer once.
 */

const session = require('../../api/session')
const events = require('../../services/events')
const catalog = require('../../services/catalog')
const notifications = require('../../services/notifications')
const checkIn = require('../../flows/event-checkin')
const view = require('../../utils/event')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { id: null, e: null, staff: false, volunteer: false, closedText: '' },
  methods: {
    onLoad(query) {
      const m = session.member() || {}
      this.setData({
        id: Number(query && query.id),
        staff: session.hasRole('coordinator') || session.hasRole('admin'),
        volunteer: !!(m.volunteer && m.volunteer.status === 'active'),
      })
      this.load()
    },
    load() {
      const both = Promise.all([events.get(this.data.id, { quiet: true }), catalog.getCatalog({ quiet: true }).catch(() => null)])
      return this.track(both, ([e, c]) => {
        this.names = view.categoryNames(c)
        this.setData({ e: view.decorate(e, this.names) })
      })
    },
    reload() {
      return events.get(this.data.id, { quiet: true }).then((e) => this.setData({ e: view.decorate(e, this.names) }), () => null)
    },
    onSignup() {
      const e = this.data.e
      const words = e.full ? '名额已满，报名后进入候补名单，有人退出会按顺序补上。' : `${e.when}，${e.place}。请准时到场扫码签到。`
      return nav.confirmDialog({ title: e.full ? '加入候补' : '报名参加', content: words, confirmText: e.full ? '加入候补' : '确认报名', cancelText: '再想想' })
        .then((yes) => yes && events.signup(e.id).then((s) => {
          nav.toast(s.status === 'waitlisted' ? '已加入候补' : '报名成功')
          return this.reload().then(() => notifications.offerSubscribe('after_signup', '报名成功', '活动前一天要微信提醒您吗？'))
        }, () => null))
    },
    onWithdraw() {
      return nav.confirmDialog({ title: '取消报名', content: '取消后名额会让给候补的志愿者。', confirmText: '确定取消', cancelText: '不取消' })
        .then((yes) => yes && events.withdraw(this.data.e.id).then(() => {
          nav.toast('已取消报名')
          return this.reload()
        }, () => null))
    },
    onScan() {
      return checkIn.scan().then((ok) => ok && this.reload())
    },
    onQr() {
      wx.navigateTo({ url: `/pages/qr/index?kind=event&id=${this.data.e.id}&about=${encodeURIComponent(this.data.e.title)}` })
    },
    onClose() {
      const e = this.data.e
      return nav.confirmDialog({
        title: '结束活动',
        // The server credits what passed: from the start (or a later check-in) to now, at most the planned length.
        content: `结束后不能再签到。每位已签到的志愿者按实际时长记入（从开始或签到时起到现在，最多 ${e.length}）。活动开始前不能结束。`,
        confirmText: '结束并记入',
        cancelText: '还没结束',
      }).then((yes) => yes && events.close(e.id).then((r) => {
        this.setData({ closedText: `活动已结束：${r.attended} 人签到，这次为 ${r.credited_now} 人按实际时长记入了时间（最多 ${format.hours(e.planned_minutes)}）。` })
        return this.reload()
      }, () => null))
    },
  },
})
