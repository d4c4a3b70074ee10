/**
 * 任务详情 (where 有邻居需要您的帮助 and 明天有服务安排 open): the task, who it is for, and the
 * one next step — claim it, or go to 我的任务 to check in when it is mine. A payback task whose elder named
 * me (指定服务人) is mine to take first; if I cannot come, 不方便去 hands it to the others at once. One
 * reserved for someone else says until when. A task the station assigned me (协调员指派给您) says so, with
 * its note, and I may decline it (婉拒): it goes back on the board.
 */

const session = require('../../api/session')
const tasks = require('../../services/tasks')
const claimFlow = require('../../flows/claim')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { id: null, task: null, canClaim: false, reservedForOther: false },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query && query.id) })
      this.load()
    },
    load() {
      const m = session.member() || {}
      const active = !!(m.volunteer && m.volunteer.status === 'active')
      return this.track(tasks.get(this.data.id, { quiet: true }), (task) => {
        const reservedForOther = !!task.reserved_until && !task.reserved_for_me
        this.setData({
          task, reservedForOther,
          canClaim: active && task.status === 'open' && !task.claimed_by_me && !task.held && !reservedForOther,
          reservedUntil: reservedForOther ? format.dateTime(task.reserved_until) : '',
        })
      })
    },
    onPass() {
      return this.act(() => tasks.pass(this.data.id), '已请其他志愿者', {
        title: '不方便去',
        content: '老人指定了您。您去不了的话，马上请其他志愿者来，确定吗？',
        confirmText: '请别人去',
        cancelText: '再想想',
      })
    },
    onClaim() {
      return claimFlow.claim(this.data.task).then((claimed) => claimed && this.load())
    },
    onDecline() {
      return nav.askText({ title: '婉拒这次指派', placeholder: '原因（可不填），会告诉服务站', confirmText: '婉拒' }).then((reason) => {
        if (reason === null) return false
        return this.act(() => tasks.decline(this.data.id, reason), '已婉拒')
      })
    },
    onMine() {
      wx.navigateTo({ url: '/pages/tasks/index' })
    },
    onCall(e) {
      wx.makePhoneCall({ phoneNumber: e.currentTarget.dataset.phone })
    },
  },
})
