/**
 * `make preview`, step 1: render each page with demo data (the test fixtures) through
 * miniprogram-simulate, turn its WXSS into CSS at a 375px-wide screen (1rpx = 0.5px), and
 * write one HTML file per screen under var/preview/html/. tools/shoot.js takes the pictures.
 */

const fs = require('fs')
const path = require('path')
const simulateUtils = require('miniprogram-simulate/src/utils')
const jComponent = require('j-component')
const qrcode = require('qrcode-generator')
const { installWx, renderPage, fixture, flush } = require('../test/helpers')

const OUT = path.join(__dirname, '..', '..', 'var', 'preview', 'html')
const RPX = 375 / 750

// rpx → px at a 375px-wide phone (miniprogram-simulate maps 1rpx to 1px).
simulateUtils.transformRpx = (css) => css.replace(/(\d+(?:\.\d+)?)rpx/g, (_m, n) => `${+(Number(n) * RPX).toFixed(2)}px`)

// WeChat's own controls draw their value, placeholder or state; the test stand-ins draw only
// their children. Give the preview stand-ins that show what a person would see.
function showValue(tag) {
  jComponent.register({
    id: tag,
    tagName: `wx-${tag}`,
    properties: { value: { type: String, value: '' }, placeholder: { type: String, value: '' } },
    template: '<view wx:if="{{value}}">{{value}}</view><view wx:else style="color:#767676">{{placeholder}}</view>',
  })
}
showValue('input')
showValue('textarea')
jComponent.register({
  id: 'switch',
  tagName: 'wx-switch',
  properties: { checked: { type: Boolean, value: false } },
  template: '<view style="width:52px;height:32px;border-radius:16px;display:flex;align-items:center;justify-content:{{checked ? \'flex-end\' : \'flex-start\'}};background:{{checked ? \'#b3261e\' : \'#d9d9d9\'}};padding:2px;box-sizing:border-box"><view style="width:28px;height:28px;border-radius:14px;background:#fff"></view></view>',
})

const BASE_CSS = `
html, body { margin: 0; padding: 0; }
body { width: 375px; background: #f6f3ee; font-family: "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif; color: #1f1f1f; }
wx-view, wx-button, wx-picker, wx-form, wx-textarea, wx-input, wx-scroll-view, wx-navigator, wx-label { display: block; }
wx-text { display: inline; }
wx-button { box-sizing: border-box; cursor: pointer; }
wx-button[disabled] { opacity: .5; }
.navbar { height: 44px; background: #b3261e; color: #fff; display: flex; align-items: center; justify-content: center; font-size: 17px; font-weight: 600; }
`

function html(comp, title) {
  const styles = Array.from(document.head.querySelectorAll('style')).map((s) => s.innerHTML).join('\n')
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${BASE_CSS}</style><style>${styles}</style></head>` +
    `<body><div class="navbar">${title}</div>${comp.dom.outerHTML}</body></html>`
}

const volunteer = fixture('me-volunteer')
const resident = fixture('me-resident')
const retired = { ...fixture('me-retired'), household_id: 3 }
const board = fixture('board')
const eligible = { eligible: true, reason: '您已因年龄退出服务，可以用存下的时间申请优先回馈。', available_minutes: 750, held_minutes: 60 }
const notes = {
  items: [
    { id: 2, title: '已有志愿者接单', body: '您的家电维修求助已由志愿者李建国接下。服务时间：12月1日（周二）下午2:00。', link: 'pages/requests/detail?id=11', urgent: false, created_at: '2026-11-29T09:30:00+08:00', read_at: null },
    { id: 1, title: '爱心时间已存入存折', body: '您的家电维修服务已确认，存入1.5小时。谢谢您！', link: 'pages/passbook/index', urgent: false, created_at: '2026-11-28T16:10:00+08:00', read_at: '2026-11-28T17:00:00+08:00' },
  ],
  next_cursor: null,
}
const statements = [
  { id: 12, year: 2026, month: 10, opening_minutes: 540, minutes_in: 120, minutes_out: 0, closing_minutes: 660, per_member: [], closed_at: '2026-11-01T08:00:00+08:00', signed: true, key_id: 'HPL-20261001-8c1d2e3f', signature_label: '已签名' },
  { id: 9, year: 2026, month: 9, opening_minutes: 600, minutes_in: 0, minutes_out: 60, closing_minutes: 540, per_member: [], closed_at: '2026-10-01T08:00:00+08:00', signed: false, key_id: null, signature_label: '未签名' },
]
const qrAnswer = { token: 'eyJpZCI6MX0.awvcew.aDtqLWy_o1smS7J1H2B1Cw7h2DM', expires_at: new Date(Date.now() + 8 * 3600 * 1000 + 272 * 1000).toISOString().replace('Z', '+08:00') }
const agreement = fixture('agreement')
const agreementForCoordinator = { ...agreement, my_party: 'coordinator' }
const events = fixture('events').items
const coordinator = fixture('me-coordinator')
const stars = fixture('stars')
const notices = fixture('notices')
const audits = fixture('audits')
const kin = fixture('kin')
const rights = fixture('data-rights')
const redeemers = fixture('payback')
const providers = fixture('providers')
const exported = fixture('me-export')
// The coordinator-operations fixtures were captured on 29 November 2026: their notice windows read as of then.
const CAPTURED = Date.parse('2026-11-29T17:00:00+08:00')
const EXPORT_FILE = 'wxfile://usr/爱心银行个人数据-2026-11-29.json'

// Headless Chromium cannot see a mini-program canvas: draw the same code as an image in its place.
function showQr(comp) {
  const token = comp.instance.data.token
  const code = qrcode(0, 'M')
  code.addData(token, 'Byte')
  code.make()
  const canvas = comp.dom.querySelector('wx-canvas')
  if (canvas) canvas.innerHTML = `<img src="${code.createDataURL(6, 24)}" style="width:100%;height:100%;image-rendering:pixelated">`
  comp.instance.onUnload()
}
// The signed statement's QR code, drawn the same way.
function showStatementQr(comp) {
  const code = qrcode(0, 'M')
  code.addData(comp.instance.data.compact, 'Byte')
  code.make()
  const canvas = comp.dom.querySelector('wx-canvas')
  if (canvas) canvas.innerHTML = `<img src="${code.createDataURL(4, 16)}" style="width:100%;height:100%;image-rendering:pixelated">`
}
// 李建国's own report of a service he organised, still waiting for its witness: he may correct or withdraw it.
const selfReport = {
  ...fixture('records').items[0], id: 30, source: 'self_report', volunteer_id: volunteer.id, volunteer_name: '李建国',
  witness_id: null, witness_name: '王秀兰', recipient_name: null, category_name: '环境保护', item_name: '清除白色垃圾',
  place: '3号楼楼道', content: '清理楼道杂物', started_at: '2026-11-27T08:00:00+08:00', ended_at: '2026-11-27T09:30:00+08:00',
  duration_minutes: 90,
}
const paybackList = [{
  id: 3, category_name: '医疗保健', item_name: '陪同就医', window_start: '2026-12-01T08:30:00+08:00', window_end: '2026-12-01T11:00:00+08:00',
  estimated_minutes: 60, held_minutes: 60, status: 'claimed', status_label: '志愿者已接单', volunteer: { name: '孙丽', phone: '138****0006' },
}]

// 回报有保障: a request naming its helper, at risk; another a provider will serve.
const promiseList = [{
  ...paybackList[0], id: 7, item_name: '陪伴聊天', category_name: '帮困', status: 'open', status_label: '等待志愿者接单', volunteer: null,
  promise_label: '还剩 5 小时', promise_state: 'at_risk', preferred_volunteer: { id: 3, name: '李建国' }, coming: null,
}, {
  ...paybackList[0], id: 8, promise_label: '已安排服务人', promise_state: 'assigned', volunteer: null, preferred_volunteer: null,
  coming: { kind: 'provider', id: 2, name: '安康护理', label: '服务机构：安康护理' },
}]

const common = {
  'GET /catalog': fixture('catalog'),
  'GET /notifications/unread-count': { unread: 2 },
  'GET /subscriptions': [],
  'GET /households/2/statements': statements,
  'GET /households/1': fixture('household'),
  'GET /households/2': { ...fixture('household'), id: 2, name: '李家', members: [] },
  'GET /households/3': { ...fixture('household'), id: 3, name: '张家', building: '5号楼', unit: '1单元', room: '101', members: [] },
}

// name, title (the navigation bar), page, member, routes, options
const SCREENS = [
  ['login', '登录爱心银行', 'login', null, { 'GET /auth/dev-logins': fixture('dev-logins') }],
  ['home-volunteer', '爱心银行', 'home', volunteer, { 'GET /tasks': board }],
  ['home-resident', '爱心银行', 'home', resident, {}],
  ['home-offline', '爱心银行', 'home', volunteer, { 'GET /tasks': { offline: true } }],
  ['booking', '预约服务', 'booking', resident, {}, { act: (p) => p.instance.selectComponent('#need').onCategory({ currentTarget: { dataset: { index: 0 } } }) }],
  ['booking-errors', '预约服务', 'booking', resident, {}, { act: (p) => p.instance.onSubmit(), full: true }],
  ['requests', '我的求助', 'requests', resident, { 'GET /requests': fixture('requests'), 'GET /service-records': fixture('records') }, { full: true }],
  ['requests-empty', '我的求助', 'requests', resident, { 'GET /requests': { items: [], next_cursor: null }, 'GET /service-records': { items: [], next_cursor: null } }],
  ['tasks', '我的任务', 'tasks', volunteer, {
    'GET /tasks/mine': [board.items[2], { ...board.items[0], id: 44, status: 'in_progress', claimed_by_me: true, recipient_name: '张桂芳', place: '5号楼1单元101' }],
    'GET /service-records': { items: [{ ...fixture('records').items[0], volunteer_name: '李建国' }], next_cursor: null },
  }, { full: true }],
  ['report', '登记服务', 'report', volunteer, {}, { full: true }],
  ['tasks-self-report', '我的任务', 'tasks', volunteer, {
    'GET /tasks/mine': [],
    'GET /service-records': { items: [selfReport, { ...selfReport, id: 29, status: 'withdrawn', status_label: '已撤回', content: '帮邻居修门锁' }], next_cursor: null },
  }, { elder: true, full: true }],
  // A counter entry (柜台登记) waiting on 王德顺, who has no phone but a witness code card: 输入见证码.
  ['tasks-code-card', '我的任务', 'tasks', volunteer, {
    'GET /tasks/mine': [],
    'GET /service-records': { items: [{ ...fixture('records').items[0], id: 40, source: 'counter', volunteer_id: volunteer.id,
      volunteer_name: '李建国', recorder_name: '赵敏', witness_id: 2, witness_name: '王德顺', recipient_name: '王德顺',
      category_name: '维修服务', item_name: '家电维修', content: '修理收音机（柜台登记）', duration_minutes: 60,
      started_at: '2026-11-27T14:00:00+08:00', ended_at: '2026-11-27T15:00:00+08:00',
      organiser: '服务站柜台登记', code_card: true }], next_cursor: null },
  }, { elder: true }],
  ['report-edit', '修改服务记录', 'report', volunteer, { 'GET /service-records/30': selfReport }, { query: { id: '30' }, full: true }],
  ['passbook', '爱心储蓄存折', 'passbook', volunteer, { 'GET /me/passbook': fixture('passbook') }, { full: true }],
  ['statement', '月结单签名', 'qr/statement', resident, { 'GET /statements/7/signed': fixture('statement-signed') }, { query: { id: '7' }, act: showStatementQr, full: true }],
  ['statement-elder', '月结单签名', 'qr/statement', resident, { 'GET /statements/7/signed': fixture('statement-signed') }, { query: { id: '7' }, act: showStatementQr, elder: true, full: true }],
  ['qr-record', '服务确认码', 'qr', volunteer, { 'POST /service-records/21/qr': qrAnswer }, { query: { kind: 'record', id: '21' }, act: showQr, full: true }],
  ['qr-task', '上门签到码', 'qr', resident, { 'POST /tasks/42/checkin-qr': qrAnswer }, { query: { kind: 'task', id: '42' }, act: showQr, elder: true }],
  ['qr-event', '活动签到码', 'qr', fixture('me-coordinator'), { 'POST /events/2/qr': qrAnswer }, { query: { kind: 'event', id: '2', about: encodeURIComponent('12月16日集中服务') }, act: showQr }],
  ['agreements', '帮扶协议', 'agreements', volunteer, { 'GET /agreements': { next_cursor: null, items: [agreement, { ...agreement, id: 2, status: 'active', status_label: '执行中', my_party: null, recipient_name: '张桂芳', category_name: '医疗保健', content: '每周上门量血压，提醒按时吃药', schedule: [{ weekday: 3, start: '16:00', minutes: 30 }], signatures: agreement.signatures.map((x) => ({ ...x, signed_at: '2026-11-20T10:00:00+08:00', signed_by_name: x.member_name })) }] } }, { full: true }],
  ['agreement-sign', '协议详情', 'agreements/detail', volunteer, { 'GET /agreements/1': agreement }, { query: { id: '1' }, full: true }],
  ['agreement-station', '协议详情', 'agreements/detail', fixture('me-coordinator'), { 'GET /agreements/1': agreementForCoordinator }, { query: { id: '1' }, full: true }],
  ['agreement-form', '起草帮扶协议', 'agreements/form', fixture('me-coordinator'), { 'GET /recipient-files': fixture('recipient-files'), 'GET /volunteers': fixture('volunteers') }, {
    query: { file: '1' },
    act: (p) => {
      p.instance.onCategory({ currentTarget: { dataset: { index: 4 } } })
      p.instance.onItem({ currentTarget: { dataset: { index: 1 } } })
      p.instance.onDayToggle({ currentTarget: { dataset: { index: 1 } } })
      p.instance.onVolunteer({ currentTarget: { dataset: { index: 0 } } })
    },
    full: true,
  }],
  ['agreement-form-errors', '起草帮扶协议', 'agreements/form', fixture('me-coordinator'), { 'GET /recipient-files': fixture('recipient-files'), 'GET /volunteers': fixture('volunteers') }, { act: (p) => p.instance.onSubmit(), full: true }],
  ['recipient-file', '建档立卡', 'recipient-file', fixture('me-coordinator'), {
    'GET /households': { items: [{ id: 1, name: '王家', building: '3号楼', unit: '2单元', room: '301', area: '东区' }, { id: 3, name: '张家', building: '5号楼', unit: '1单元', room: '101', area: '西区' }], next_cursor: null },
    'GET /recipient-files': fixture('recipient-files'),
  }, { act: (p) => p.instance.onHousehold({ detail: { value: 0 } }), full: true }],
  ['events', '集中活动', 'events', volunteer, { 'GET /events': fixture('events') }, { full: true }],
  ['event-detail', '活动详情', 'events/detail', volunteer, { 'GET /events/2': { ...events[0], signed: 12, waitlisted: 0, my_status: null } }, { query: { id: '2' } }],
  ['event-waitlist', '活动详情', 'events/detail', volunteer, { 'GET /events/2': events[0] }, { query: { id: '2' }, elder: true }],
  ['event-station', '活动详情', 'events/detail', fixture('me-coordinator'), { 'GET /events/2': { ...events[0], my_status: null } }, { query: { id: '2' } }],
  ['event-form', '发起活动', 'events/form', fixture('me-coordinator'), {}, { full: true }],
  ['task-detail', '任务详情', 'tasks/detail', volunteer, { 'GET /tasks/42': board.items[1] }, { query: { id: '42' } }],
  ['passbook-elder', '爱心储蓄存折', 'passbook', volunteer, { 'GET /me/passbook': fixture('passbook') }, { elder: true, full: true }],
  ['payback', '优先回馈', 'payback', retired, { 'GET /payback-requests/eligibility': eligible, 'GET /payback-requests': { items: paybackList, next_cursor: null } }, { act: (p) => p.instance.onOpenForm(), full: true }],
  // Captured from the live API (test/fixtures/payback.json): who in the household may redeem, and why not.
  ['payback-household', '优先回馈', 'payback', resident, { 'GET /payback-requests/eligibility': redeemers.resident, 'GET /payback-requests': { items: [], next_cursor: null } }, { full: true, elder: true }],
  ['payback-promise', '优先回馈', 'payback', resident, { 'GET /payback-requests/eligibility': redeemers.resident, 'GET /payback-requests': { items: promiseList, next_cursor: null } }, { act: (p) => p.instance.onApplyFor({ currentTarget: { dataset: { id: 2 } } }), full: true, elder: true }],
  ['payback-promise-list', '优先回馈', 'payback', resident, { 'GET /payback-requests/eligibility': redeemers.resident, 'GET /payback-requests': { items: promiseList, next_cursor: null } }, { full: true }],
  ['payback-not-eligible', '优先回馈', 'payback', volunteer, { 'GET /payback-requests/eligibility': redeemers.volunteer, 'GET /payback-requests': { items: [], next_cursor: null } }],
  ['volunteer', '志愿者档案', 'volunteer', volunteer, { 'GET /me': volunteer, 'GET /volunteers/1': fixture('volunteer') }, { full: true }],
  ['household', '家庭账户', 'household', resident, {}],
  ['household-move', '家庭账户', 'household', resident, { 'GET /households/1/moves': fixture('moves'), 'GET /communities': fixture('communities') }, { full: true, elder: true }],
  ['household-move-form', '家庭账户', 'household', resident, { 'GET /households/1/moves': [], 'GET /communities': fixture('communities') }, { act: (p) => p.instance.onShowMove(), full: true }],
  ['household-new', '家庭账户', 'household', { ...resident, household_id: null }, { 'GET /communities': fixture('communities') }, { full: true }],
  ['inbox', '消息', 'inbox', resident, { 'GET /notifications': notes }],
  ['mine', '我的', 'mine', volunteer, { 'GET /me': volunteer }],
  ['mine-elder', '我的', 'mine', volunteer, { 'GET /me': volunteer }, { elder: true }],
  ['privacy', '隐私与个人信息', 'privacy', resident, { 'GET /me': resident }, { full: true }],
  ['station', '服务站', 'station', fixture('me-coordinator'), { 'GET /desk': fixture('desk'), 'GET /volunteers/applications': fixture('applications') }, { full: true }],
  ['station-empty', '服务站', 'station', fixture('me-coordinator'), { 'GET /desk': { records_waiting: [], held_requests: [], unclaimed_tasks: [], todays_visits: [], events: [] }, 'GET /volunteers/applications': { items: [], next_cursor: null } }],
  ['home-elder', '爱心银行', 'home', volunteer, { 'GET /tasks': board }, { elder: true }],
  ['stars', '我的星级', 'stars', volunteer, { 'GET /me/stars': stars.volunteer }, { now: CAPTURED, full: true }],
  ['stars-elder', '我的星级', 'stars', volunteer, { 'GET /me/stars': stars.volunteer }, { now: CAPTURED, elder: true, full: true }],
  ['stars-apply', '我的星级', 'stars', volunteer, { 'GET /me/stars': { ...stars.teacher, awards: [] } }, { now: CAPTURED }],
  ['stars-objected', '我的星级', 'stars', volunteer, { 'GET /me/stars': stars.nurse }, { now: CAPTURED, full: true }],
  ['station-stars', '星级评定', 'station/stars', coordinator, { 'GET /communities/1/star-awards': stars.awards, 'GET /communities/1/stars': stars.community }, { now: CAPTURED, full: true }],
  ['notices', '公告', 'notices', resident, { 'GET /notices': { items: notices.list, next_cursor: null } }],
  ['notice-quarter', '公告', 'notices/detail', resident, { 'GET /notices/1': notices.quarterly_resident }, { query: { id: '1' }, full: true }],
  ['notice-object', '公告', 'notices/detail', resident, { 'GET /notices/2': notices.awards_resident }, {
    query: { id: '2' }, act: (p) => p.instance.onObject({ currentTarget: { dataset: { award: 3 } } }),
  }],
  ['notice-object-elder', '公告', 'notices/detail', resident, { 'GET /notices/2': notices.awards_resident }, {
    query: { id: '2' }, elder: true, act: (p) => p.instance.onObject({ currentTarget: { dataset: { award: 3 } } }),
  }],
  ['station-notice', '公告和异议', 'station/notice', coordinator, { 'GET /notices/1': notices.quarterly_coordinator, 'GET /notices/1/objections': notices.objections, 'GET /communities/1/star-awards': stars.awards }, { query: { id: '1' }, full: true }],
  ['privacy-exported', '隐私与个人信息', 'privacy', resident, { 'GET /me': resident, 'GET /me/export': exported }, { act: (p) => p.instance.onExport(), full: true }],
  ['privacy-erase', '隐私与个人信息', 'privacy', resident, { 'GET /me': resident }, { act: (p) => p.instance.onStartErase(), full: true, elder: true }],
  ['privacy-data', '我的数据', 'privacy/data', resident, {}, { query: { file: encodeURIComponent(EXPORT_FILE) }, files: { [EXPORT_FILE]: JSON.stringify(exported) }, full: true }],
  ['kin', '亲情转赠和爱心池', 'kin', resident, { 'GET /kinships': kin.resident, 'GET /me/passbook': fixture('passbook') }, {
    act: (p) => {
      p.instance.onGiftTo({ currentTarget: { dataset: { id: 1 } } })
      p.instance.onGiftAmount({ currentTarget: { dataset: { minutes: 120 } } })
    },
    full: true,
  }],
  ['kin-unanswered', '亲情转赠和爱心池', 'kin', resident, { 'GET /kinships': kin.resident, 'GET /me/passbook': fixture('passbook'), 'POST /ledger/gifts': { offline: true } }, {
    act: (p) => {
      p.instance.onGiftTo({ currentTarget: { dataset: { id: 1 } } })
      p.instance.onGiftAmount({ currentTarget: { dataset: { minutes: 120 } } })
      return p.instance.onGift()
    },
    elder: true,
  }],
  ['station-kinships', '亲属关系确认', 'station/kinships', coordinator, { 'GET /kinships': kin.coordinator }],
  ['station-honour', '兑付率', 'station/honour', coordinator, { 'GET /communities/1/redemption': fixture('redemption').q4 }, { full: true }],
  ['station-honour-elder', '兑付率', 'station/honour', coordinator, { 'GET /communities/1/redemption': fixture('redemption').q3 }, { elder: true, query: { year: '2026', quarter: '3' }, full: true }],
  ['station-assign', '指派', 'station/assign/assign', coordinator, {
    'GET /tasks/1': { ...providers.open_task, promise_due_at: new Date(Date.now() + (5 * 60 + 30) * 60000).toISOString() },
    'GET /tasks/1/candidates': providers.candidates, 'GET /volunteers': fixture('volunteers'), 'GET /providers': providers.list,
  }, { query: { task_id: '1' }, act: (p) => p.instance.onPickProvider({ currentTarget: { dataset: { id: 1 } } }), full: true }],
  ['station-assign-provider', '指派', 'station/assign/assign', coordinator, { 'GET /tasks/7': providers.provider_task }, {
    query: { task_id: '7' }, act: (p) => p.instance.onDuration({ currentTarget: { dataset: { minutes: 90 } } }), full: true,
  }],
  ['station-providers', '签约服务机构', 'station/providers/providers', coordinator, { 'GET /providers': providers.list }, { full: true }],
  ['station-providers-form', '签约服务机构', 'station/providers/providers', coordinator, { 'GET /providers': providers.list }, {
    act: (p) => p.instance.onEdit({ currentTarget: { dataset: { id: 1 } } }), full: true,
  }],
  ['task-assigned', '任务详情', 'tasks/detail', volunteer, {
    'GET /tasks/43': { ...board.items[2], assigned_by_coordinator: true, assign_note: '您住得近，麻烦跑一趟', may_decline: true },
  }, { query: { id: '43' }, elder: true }],
  ['payback-provider', '优先回馈', 'payback', retired, { 'GET /payback-requests/eligibility': eligible, 'GET /payback-requests': providers.payback_requests }, { elder: true, full: true }],
  ['station-network', '通存通兑', 'station/network', coordinator, { 'GET /networks': fixture('networks').list }],
  ['station-network-elder', '通存通兑', 'station/network', coordinator, { 'GET /networks': fixture('networks').list }, { elder: true }],
  ['station-console-login', '登录服务站工作台', 'station/console-login', coordinator, {}, { query: { code: encodeURIComponent('lovebank-console:preview') } }],
  ['station-audit', '检查和走访', 'station/audit', coordinator, { 'GET /communities/1/audits': audits.list, 'GET /audits/1': { ...audits.audit, visits: [audits.audit.visits[1], audits.outcome_disputed, audits.audit.visits[0]] } }, { full: true }],
  ['station-outlook', '兑付能力预警', 'station/outlook', coordinator, { 'GET /communities/1/outlook': fixture('outlook') }, { full: true }],
  ['station-outlook-elder', '兑付能力预警', 'station/outlook', coordinator, { 'GET /communities/1/outlook': fixture('outlook') }, { elder: true }],
  ['payback-family', '优先回馈', 'payback', resident, {
    'GET /payback-requests/eligibility': (c) => (c.query.member_id ? rights.eligibility_member : rights.eligibility_self),
    'GET /payback-requests': { items: [], next_cursor: null },
  }, {
    act: async (p) => {
      p.instance.onOpenForm()
      await flush()
      const form = p.instance.selectComponent('#need')
      form.onFor({ currentTarget: { dataset: { index: 0 } } })
    },
    full: true,
  }],
]

beforeAll(() => fs.mkdirSync(OUT, { recursive: true }))

test.each(SCREENS)('%s', async (name, title, page, member, routes, opts = {}) => {
  const { storage, files } = installWx({ ...common, ...routes }, { member, token: member ? 'preview' : null })
  if (opts.elder) storage.set('lb_elder_mode', true)
  Object.keys(opts.files || {}).forEach((k) => files.set(k, opts.files[k]))
  if (opts.now) jest.spyOn(Date, 'now').mockReturnValue(opts.now)
  document.head.innerHTML = ''
  const comp = await renderPage(page, opts.query)
  if (opts.act) {
    await opts.act(comp)
    await flush()
  }
  fs.writeFileSync(path.join(OUT, `${name}.html`), html(comp, title))
  fs.writeFileSync(path.join(OUT, `${name}.json`), JSON.stringify({ full: !!opts.full }))
  jest.restoreAllMocks()
})
