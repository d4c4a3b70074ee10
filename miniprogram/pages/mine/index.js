/** 我的 / 设置: who I am, links to my things, the elder-mode switch, privacy, log out. */

const session = require('../../api/session')
const auth = require('../../services/auth')
const me = require('../../services/me')
const notifications = require('../../services/notifications')
const elder = require('../../utils/elder')
const labels = require('../../utils/labels')
const nav = require('../../utils/nav')

function menuFor(member) {
  const roles = (member && member.roles) || []
  const v = member && member.volunteer
  // An application still waiting (or refused) has no tasks, stars or activities yet.
  const applying = !!v && (v.status === 'pending' || v.status === 'rejected')
  const items = []
  if (member && member.household_id) {
    items.push({ text: '我的求助', url: '/pages/requests/index' })
    items.push({ text: '我的存折', url: '/pages/passbook/index' })
  }
  if (v && !applying) items.push({ text: '我的任务', url: '/pages/tasks/index' })
  if (v && !applying) items.push({ text: '我的星级', url: '/pages/stars/index' })
  if (v && v.status === 'retired') items.push({ text: '优先回馈', url: '/pages/payback/index' })
  if (v && v.status === 'active') items.push({ text: '集中活动', url: '/pages/events/index' })
  // A volunteer signs agreements; a family signs for the person they care for.
  if (member && member.household_id) items.push({ text: '帮扶协议', url: '/pages/agreements/index' })
  if (roles.indexOf('resident') >= 0 || v) items.push({ text: v ? (applying ? '志愿者申请' : '志愿者档案') : '志愿者登记', url: '/pages/volunteer/index' })
  if (roles.indexOf('coordinator') < 0 || member.household_id) items.push({ text: member && member.household_id ? '家庭账户' : '开户 / 加入家庭', url: '/pages/household/index' })
  if (member && member.household_id) {
    items.push({ text: '亲情转赠和爱心池', url: '/pages/kin/index' })
    items.push({ text: '公告', url: '/pages/notices/index' })
  }
  items.push({ text: '消息', url: '/pages/inbox/index', badge: true })
  // For members WeChat cannot reach: texts to their own phone or a relative's (老年机).
  items.push({ text: '短信提醒', url: '/pages/privacy/sms' })
  items.push({ text: '隐私与个人信息', url: '/pages/privacy/index' })
  return items
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: { member: null, menu: [], unread: 0, roleText: '', application: null },
  methods: {
    onLoad() {
      this.show(session.member())
      me.getMe({ quiet: true }).then((m) => this.show(m), () => null)
    },
    onShow() {
      notifications.unreadCount().then((r) => this.setData({ unread: r.unread || 0 }), () => null)
    },
    show(member) {
      if (!member) return
      const words = { resident: '居民', volunteer: '志愿者', coordinator: '服务站', admin: '联合党委' }
      this.setData({
        member,
        menu: menuFor(member),
        roleText: (member.roles || []).map((r) => words[r] || r).join(' · '),
        application: labels.application(member.volunteer),
        state: 'ready',
      })
    },
    onElder(e) {
      const on = !!e.detail.value
      elder.set(on)
      this.setData({ elder: on })
      wx.showToast({ title: on ? '已打开大字模式' : '已关闭大字模式', icon: 'none' })
    },
    onLogout() {
      return nav.confirmDialog({ title: '退出登录', content: '退出后需要重新登录才能使用。', confirmText: '退出', cancelText: '不退出' })
        .then((yes) => {
          if (!yes) return
          auth.logout()
          wx.reLaunch({ url: '/pages/login/index' })
        })
    },
    go: nav.go,
  },
})
