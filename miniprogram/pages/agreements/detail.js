/**
 * 协议详情: what was agreed (recipient, content, weekly schedule, dates, volunteers), every
 * party's signature, a sign button that says what you sign as, and for the station the
 * changes of status (suspend, resume, end, renew).
 */

const session = require('../../api/session')
const agreements = require('../../services/agreements')
const notifications = require('../../services/notifications')
const view = require('../../utils/agreement')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const ACTIONS = {
  suspend: { title: '暂停协议', content: '暂停后，还没上门的服务会撤下，恢复后再排。', words: '已暂停' },
  resume: { title: '恢复协议', content: '恢复后，按原来的时间继续上门。', words: '已恢复' },
  end: { title: '终止协议', content: '终止后不能再恢复；还没上门的服务会撤下。', words: '已终止' },
}

Component({
  behaviors: [require('../../behaviors/page')],
  data: {
    id: null, a: null, parties: [], slots: [], from: '', to: '',
    signText: '', canSign: false, signNote: '', staff: false, renewDate: '', today: '',
  },
  methods: {
    onLoad(query) {
      this.setData({ id: Number(query && query.id), today: format.today() })
      this.load()
    },
    load() {
      return this.track(agreements.get(this.data.id, { quiet: true }), (a) => this.show(a))
    },
    show(a) {
      const me = session.member() || {}
      const mine = view.mySignature(a, me.id)
      const othersDone = view.othersSigned(a)
      let canSign = a.status === 'signing' && !!mine && !mine.signed_at
      let signNote = ''
      if (canSign && a.my_party === 'coordinator' && !othersDone) {
        canSign = false
        signNote = '服务对象和志愿者都签了以后，服务站再签。'
      } else if (mine && mine.signed_at) {
        signNote = `✓ 您已在${format.date(mine.signed_at)}签署`
      }
      this.setData({
        a,
        parties: view.parties(a),
        slots: (a.schedule || []).map(view.slotText),
        from: format.date(a.start_date, true),
        to: format.date(a.end_date, true),
        signText: view.signAs(a, me.id),
        canSign,
        signNote,
        staff: a.my_party === 'coordinator',
      })
    },
    onSign() {
      const a = this.data.a
      return nav.confirmDialog({
        title: '签署协议',
        content: `${this.data.signText}：${a.recipient_name}，${a.category_name}，${this.data.slots.join('；')}。签署后按约定上门服务。`,
        confirmText: '确认签署',
        cancelText: '再看看',
      }).then((yes) => {
        if (!yes) return null
        return agreements.sign(a.id).then((signed) => {
          nav.toast(signed.status === 'active' ? '协议已生效' : '已签署')
          this.show(signed)
          // A volunteer who signed will be visiting: offer the reminder before each visit.
          if (a.my_party === 'volunteer') return notifications.offerSubscribe('after_claim', '已签署', '每次上门前要微信提醒您吗？')
          return null
        }, () => null)
      })
    },
    onAction(e) {
      const action = e.currentTarget.dataset.action
      const act = ACTIONS[action]
      return nav.askText({ title: act.title, placeholder: `${act.content} 可以写一句原因`, confirmText: '确定' }).then((note) => {
        if (note === null) return null
        return agreements.setStatus(this.data.a.id, action, { note }).then((a) => {
          nav.toast(act.words)
          this.show(a)
        }, () => null)
      })
    },
    onRenewDate(e) {
      this.setData({ renewDate: e.detail.value })
    },
    onRenew() {
      if (!this.data.renewDate) {
        wx.showToast({ title: '请先选新的结束日期', icon: 'none' })
        return Promise.resolve(null)
      }
      return agreements.setStatus(this.data.a.id, 'renew', { endDate: this.data.renewDate }).then((a) => {
        nav.toast('已续签')
        this.setData({ renewDate: '' })
        this.show(a)
      }, () => null)
    },
  },
})
