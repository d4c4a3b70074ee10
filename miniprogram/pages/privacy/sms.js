/**
 * 短信提醒: texts for when WeChat cannot reach me — visit reminders, hours credited, news of my
 * requests, and a witness code to read to the volunteer. To my own phone or a relative's (老年机).
 * Turning it on records my consent (the words below); turning it off withdraws it.
 */

const session = require('../../api/session')
const sms = require('../../services/sms')
const format = require('../../utils/format')
const nav = require('../../utils/nav')

const CONSENT_TEXT = [
  '开通后，当微信消息发不到您时，爱心银行会用短信通知您：上门服务的提醒、爱心时间存入、求助的进展，以及请您作见证时的见证码。',
  '短信发到您填写的手机号，可以是您自己的，也可以是家里老人或亲属的老年机。',
  '晚上10点到早上8点不发短信（紧急的事除外），每天最多发几条。',
  '我们只用这个号码发这些短信，不做别的用途。您随时可以在这里关闭，关闭后马上停止发送。',
]

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: { consentText: CONSENT_TEXT, info: null, phone: '', agreed: false, messages: [] },
  methods: {
    onLoad() {
      this.load()
    },
    load() {
      const m = session.member()
      if (!m) return Promise.resolve()
      return this.track(sms.get(m.id, { quiet: true }), (info) => this.show(info))
    },
    show(info) {
      const messages = (info.messages || []).map((t) => ({
        ...t, statusText: sms.statusText(t.status), when: format.dateTime(t.created_at),
      }))
      this.setData({ info, messages, agreed: false })
    },
    onAgree(e) {
      this.setData({ agreed: !!(e.detail.value && e.detail.value.length), 'errors.consent': '' })
    },
    onTurnOn() {
      const phone = this.data.phone.replace(/[\s-]/g, '')
      const errors = {}
      if (phone && !/^1[3-9]\d{9}$/.test(phone)) errors.phone = '手机号应是11位数字、以1开头'
      if (!this.data.agreed) errors.consent = '请先阅读上面的说明，勾选“我同意”'
      if (this.refuse(errors)) return Promise.resolve()
      return this.sendForm(() => sms.turnOn(session.member().id, phone), (info) => {
        nav.toast('已开通短信提醒')
        this.setData({ phone: '' })
        this.show(info)
      })
    },
    onTurnOff() {
      return nav.confirmDialog({ title: '关闭短信提醒', content: '关闭后不再给这个号码发短信。', confirmText: '关闭', cancelText: '不关闭' })
        .then((yes) => {
          if (!yes) return null
          return this.submitting(() => sms.turnOff(session.member().id)).then((info) => {
            if (!info) return
            nav.toast('已关闭短信提醒')
            this.show(info)
          }, () => null)
        })
    },
  },
})
