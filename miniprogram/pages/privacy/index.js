/** 隐私: what Love Bank keeps about you, who sees it, and the consents you have given. */

const session = require('../../api/session')
const me = require('../../services/me')

const KEPT = [
  { title: '基本信息', items: '姓名、性别、出生日期、手机号', why: '安排服务、联系您；年龄用于优先回馈的条件' },
  { title: '家庭和住址', items: '户名、社区、楼号、单元、门牌，家庭成员', why: '志愿者上门服务；一家人共用一本存折' },
  { title: '服务和存折', items: '预约、任务、服务时间、地点、内容、见证人，存折每一笔记录', why: '记存折、评星级、每月汇总和季度检查。存折记录不能删改，只能冲正' },
  { title: '志愿者档案', items: '志愿者编号、职业、专长、服务意向、服务队、有空的时间', why: '给您推荐合适的任务' },
  { title: '需要单独同意的信息', items: '政治面貌、健康情况', why: '只在您打开开关后记录；关掉开关就删除' },
  { title: '微信登录标识', items: '微信提供的用户标识（不是微信号）', why: '只用于登录，任何人都看不到' },
]

Component({
  behaviors: [require('../../behaviors/page')],
  data: { kept: KEPT, consents: null },
  methods: {
    onLoad() {
      this.setData({ state: 'ready' })
      if (session.token()) {
        me.getMe({ quiet: true }).then((m) => this.setData({
          consents: {
            privacy: m.privacy_agreed ? '已同意' : '未同意',
            health: m.consent_health ? '已同意，正在记录' : '未同意，不记录',
            political: m.volunteer ? '在志愿者档案里设置' : '未记录',
          },
        }), () => null)
      }
    },
    onContract() {
      if (wx.openPrivacyContract) wx.openPrivacyContract({})
    },
    onVolunteer() {
      wx.navigateTo({ url: '/pages/volunteer/index' })
    },
  },
})
