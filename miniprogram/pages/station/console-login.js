/**
 * 扫码登录工作台, the confirming step: the coordinator scanned the QR code on the station's computer;
 * here they say yes (确认登录: the computer's console becomes their session) or no (取消: nothing
 * happens, the code expires by itself).
 */

const consoleLogin = require('../../services/console')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { code: '', done: false, sending: false, name: '' },
  methods: {
    onLoad(query) {
      const code = query && query.code ? decodeURIComponent(query.code) : ''
      this.setData({ code, state: consoleLogin.isLoginCode(code) ? 'ready' : 'error',
        stateText: consoleLogin.isLoginCode(code) ? '' : '这不是服务站工作台的登录二维码' })
    },
    load() {
      wx.navigateBack({ delta: 1 })
    },
    onConfirm() {
      if (this.data.sending || this.data.done) return Promise.resolve(false)
      this.setData({ sending: true })
      return consoleLogin.approve(this.data.code).then((answer) => {
        this.setData({ done: true, sending: false, name: answer.member_name })
        nav.toast('已登录工作台')
        return true
      }, () => {
        this.setData({ sending: false })
        return false
      })
    },
    onCancel() {
      wx.navigateBack({ delta: 1 })
    },
  },
})
