/**
 * 服务站 desk: what waits for the coordinator today — payback requests whose promise is at risk or
 * passed with nobody assigned (去指派 opens the assign page), records only the station can settle
 * (approve / reject), requests held for review (publish), tasks nobody claimed, today's
 * agreement visits, the open activities with their check-in QR, and volunteer applications
 * (志愿者审核: approve, or refuse with a reason the applicant reads). A card on top shows this
 * quarter's honour rate (兑付率) so far; tapping it opens the quarter's figures; and, when the outlook is
 * red (兑付能力预警), a card that opens it. 扫码登录工作台 scans the QR code of the station's web console.
 */

const desk = require('../../services/desk')
const records = require('../../services/records')
const tasks = require('../../services/tasks')
const volunteers = require('../../services/volunteers')
const notifications = require('../../services/notifications')
const format = require('../../utils/format')
const honour = require('../../utils/honour')
const nav = require('../../utils/nav')
const scan = require('../../utils/scan')
const consoleLogin = require('../../services/console')

/** Why the station has to settle this record, in words. */
function why(r) {
  if (r.status === 'disputed') return `见证人提出异议：${r.dispute_reason || '没有写原因'}`
  if (r.needs_approval) return '补录的服务，需要服务站审核后才记入存折'
  if (!r.witness_id) return `见证人${r.witness_name ? `（${r.witness_name}）` : ''}不用小程序，请服务站核实`
  return '需要服务站确认'
}

function withWhy(r) {
  return Object.assign({}, r, { why: why(r) })
}

/** An application as the coordinator weighs it: who, how to reach them, what they offer. */
function applicationView(v) {
  const who = [v.gender, v.age ? `${v.age}岁` : '', v.occupation].filter(Boolean).join('，')
  return Object.assign({}, v, { who, when: format.dateTime(v.registered_at) })
}

/** How long a task has waited before the desk lists it, as the desk names it: 120 → "2小时", 45 → "45分钟". */
function waitWords(minutes) {
  return minutes % 60 === 0 ? `${minutes / 60}小时` : `${minutes}分钟`
}

function eventView(e) {
  return Object.assign({}, e, { when: format.dateTime(e.starts_at) })
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { honour: null, outlookWarning: null, atRisk: [], atRiskTitle: '优先回馈快到承诺时间还没人', waiting: [], held: [], unclaimed: [], unclaimedTitle: '还没人接的任务', visits: [], events: [], applications: [], total: 0 },
  methods: {
    onLoad() {
      this.load()
    },
    onPullDownRefresh() {
      this.load().then(() => wx.stopPullDownRefresh && wx.stopPullDownRefresh())
    },
    load() {
      // Applications come from their own list; if it cannot be read the desk still shows the rest.
      const applications = volunteers.applications({}, { quiet: true }).then((list) => list || [], () => [])
      return this.track(Promise.all([desk.today({ quiet: true }), applications]), ([d, apps]) => {
        const data = {
          atRisk: d.payback_at_risk || [],
          atRiskTitle: d.at_risk_hours ? `优先回馈：离承诺不到${d.at_risk_hours}小时还没人` : '优先回馈快到承诺时间还没人',
          honour: honour.view(d.honour),
          waiting: (d.records_waiting || []).map(withWhy),
          held: d.held_requests || [],
          unclaimed: d.unclaimed_tasks || [],
          unclaimedTitle: d.unclaimed_after_minutes ? `等了${waitWords(d.unclaimed_after_minutes)}还没人接的任务` : '还没人接的任务',
          visits: d.todays_visits || [],
          events: (d.events || []).map(eventView),
          applications: apps.map(applicationView),
          outlookWarning: d.outlook_warning || null,
        }
        data.total = data.atRisk.length + data.waiting.length + data.held.length + data.unclaimed.length + data.applications.length
        this.setData(data)
      })
    },
    onApproveVolunteer(e) {
      const v = this.data.applications.find((x) => x.id === e.currentTarget.dataset.id)
      return this.act(() => volunteers.approve(v.id), '已通过', {
        title: '通过志愿者申请',
        content: `${v.name}通过后就能接单、签到和记录服务，系统会通知本人。`,
        confirmText: '通过',
        cancelText: '再看看',
      })
    },
    onRejectVolunteer(e) {
      const id = e.currentTarget.dataset.id
      return nav.askReason({ title: '不通过的原因', placeholder: '申请人会看到，例如：请先到服务站面谈', confirmText: '不通过', missing: '请写一下不通过的原因' })
        .then((reason) => reason && this.act(() => volunteers.reject(id, reason), '已处理'))
    },
    onApprove(e) {
      const r = this.data.waiting.find((x) => x.id === e.currentTarget.dataset.id)
      return this.act(() => records.approve(r.id), '已通过', {
        title: '审核通过',
        content: `${r.volunteer_name}的${r.item_name || r.category_name}，${format.hours(r.duration_minutes)}，通过后记入存折。`,
        confirmText: '通过',
        cancelText: '再看看',
      })
    },
    onReject(e) {
      const id = e.currentTarget.dataset.id
      return nav.askReason({ title: '驳回的原因', placeholder: '例如：核实后没有这次服务', confirmText: '驳回', missing: '请写一下驳回的原因' })
        .then((reason) => reason && this.act(() => records.reject(id, reason), '已驳回'))
    },
    onPublish(e) {
      return this.act(() => tasks.publish(e.currentTarget.dataset.id), '已发布',
        { title: '发布求助', content: '内容看过了，没有问题，发布到任务大厅让志愿者接单？', confirmText: '发布', cancelText: '再看看' })
    },
    onCancelTask(e) {
      const id = e.currentTarget.dataset.id
      return nav.askText({ title: '取消这条求助', placeholder: '原因，会告诉求助的居民', confirmText: '确定取消' }).then((reason) => {
        if (reason === null) return null
        return this.act(() => tasks.cancel(id, reason), '已取消')
      })
    },
    onNoShow(e) {
      const id = e.currentTarget.dataset.id
      return this.act(() => tasks.noShow(id), '已记录',
        { title: '志愿者没有来', content: '记为“未到”后，这次上门就结束了。', confirmText: '记为未到', cancelText: '不记' })
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
    /** 去指派: the assign page (a volunteer or a contracted provider) for this task. */
    onAssign(e) {
      wx.navigateTo({ url: `/pages/station/assign/assign?task_id=${e.currentTarget.dataset.id}` })
    },
    onEventQr(e) {
      wx.navigateTo({ url: `/pages/qr/index?kind=event&id=${e.currentTarget.dataset.id}` })
    },
    /** 扫码登录工作台: scan the QR code on the station's computer, then confirm on the next page. */
    onConsoleLogin() {
      return scan.scanToken().then((code) => {
        if (!code) return false
        if (!consoleLogin.isLoginCode(code)) {
          nav.toast('这不是工作台的登录二维码')
          return false
        }
        wx.navigateTo({ url: `/pages/station/console-login?code=${encodeURIComponent(code)}` })
        return true
      })
    },
    onNotifyMe() {
      return notifications.askSubscribe('at_station')
    },
    go: nav.go,
  },
})
