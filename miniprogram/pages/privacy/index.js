/**
 * 隐私: what Love Bank keeps about you, who sees it and the consents you have given; the
 * health-needs consent for residents who are not volunteers (volunteers set it in their
 * profile); my data — export it as a file to keep or send on, or erase it (注销) after two
 * confirmations that say plainly what goes and what stays.
 */

const session = require('../../api/session')
const auth = require('../../services/auth')
const me = require('../../services/me')
const files = require('../../utils/files')
const format = require('../../utils/format')
const mydata = require('../../utils/mydata')
const nav = require('../../utils/nav')

const KEPT = [
  { title: '基本信息', items: '姓名、性别、出生日期、手机号', why: '安排服务、联系您；年龄用于优先回馈的条件' },
  { title: '家庭和住址', items: '户名、社区、楼号、单元、门牌，家庭成员', why: '志愿者上门服务；一家人共用一本存折' },
  { title: '服务和存折', items: '预约、任务、服务时间、地点、内容、见证人，存折每一笔记录', why: '记存折、评星级、每月汇总和季度检查。存折记录不能删改，只能冲正' },
  { title: '志愿者档案', items: '志愿者编号、职业、专长、服务意向、服务队、有空的时间', why: '给您推荐合适的任务' },
  { title: '需要单独同意的信息', items: '政治面貌、健康情况', why: '只在您打开开关后记录；关掉开关就删除' },
  { title: '微信登录标识', items: '微信提供的用户标识（不是微信号）', why: '只用于登录，任何人都看不到' },
]

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    kept: KEPT, consents: null, member: null,
    health: { consent: false, needs: '' }, healthSaved: { consent: false, needs: '' },
    exported: null, exporting: false,
    erasing: false,
  },
  methods: {
    onLoad() {
      this.setData({ state: 'ready' })
      if (session.token()) me.getMe({ quiet: true }).then((m) => this.show(m), () => null)
    },
    show(m) {
      const health = { consent: !!m.consent_health, needs: m.health_needs || '' }
      this.setData({
        member: m,
        health,
        healthSaved: health,
        consents: {
          privacy: m.privacy_agreed ? '已同意' : '未同意',
          health: m.consent_health ? '已同意，正在记录' : '未同意，不记录',
          political: m.volunteer ? '在志愿者档案里设置' : '未记录',
        },
      })
    },
    onContract() {
      if (wx.openPrivacyContract) wx.openPrivacyContract({})
    },
    onVolunteer() {
      wx.navigateTo({ url: '/pages/volunteer/index' })
    },

    // --- health needs (residents who are not volunteers) ---
    onHealthConsent(e) {
      this.setData({ 'health.consent': !!e.detail.value })
    },
    onSaveHealth() {
      const h = this.data.health
      const body = h.consent ? { consent_health: true, health_needs: h.needs.trim() } : { consent_health: false }
      const ask = !h.consent && this.data.healthSaved.consent
        ? nav.confirmDialog({ title: '不再记录健康情况', content: '关掉后，已经记录的健康情况会删除。', confirmText: '关掉并删除', cancelText: '不关' })
        : Promise.resolve(true)
      return ask.then((yes) => yes && this.sendForm(() => me.updateMe(body), (m) => {
        nav.toast('已保存')
        this.show(m)
      }, { health_needs: 'needs' }))
    },

    // --- my data: export ---
    onExport() {
      if (this.data.exporting) return Promise.resolve(null)
      this.setData({ exporting: true })
      const fileName = `爱心银行个人数据-${format.today()}.json`
      return me.exportData()
        .then((doc) => files.saveJson(fileName, doc).then((filePath) => {
          const summary = mydata.summary(doc)
          this.setData({
            exporting: false,
            exported: {
              filePath, fileName, when: format.dateTime(doc.exported_at),
              summary: summary.filter((r) => r.size !== '没有'),
              none: summary.filter((r) => r.size === '没有').map((r) => r.title).join('、'),
            },
          })
          nav.toast('已导出')
          return filePath
        }))
        .catch((err) => {
          this.setData({ exporting: false })
          // The request wrapper has shown a refusal from the server; a file that could not be written is said here.
          if (!err.status && !err.offline) wx.showModal({ title: '提示', content: err.message, showCancel: false, confirmText: '知道了' })
          return null
        })
    },
    onViewData() {
      wx.navigateTo({ url: `/pages/privacy/data?file=${encodeURIComponent(this.data.exported.filePath)}` })
    },
    onShareData() {
      const { filePath, fileName } = this.data.exported
      return files.share(filePath, fileName).then((sent) => {
        if (!sent) wx.showToast({ title: '没有发送', icon: 'none' })
        return sent
      })
    },

    // --- my data: erasure, step 1 explains, step 2 asks once more ---
    onStartErase() {
      this.setData({ erasing: true })
    },
    onKeepAccount() {
      this.setData({ erasing: false })
    },
    onErase() {
      return nav.confirmDialog({
        title: '最后确认',
        content: '确定注销吗？您的个人信息会马上删除，不能恢复。',
        confirmText: '确定注销',
        cancelText: '不注销了',
      }).then((yes) => yes && me.erase().then(() => {
        // Every token of mine is dead now: forget this phone's login and start again.
        auth.logout()
        wx.showToast({ title: '已注销', icon: 'success' })
        wx.reLaunch({ url: '/pages/login/index' })
        return true
      }, () => false))
    },
  },
})
