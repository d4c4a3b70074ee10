/** 登录: WeChat login after the privacy agreement; in development, pick a demo member. */

const auth = require('../../services/auth')
const me = require('../../services/me')
const config = require('../../config/index')
const nav = require('../../utils/nav')

Component({
  behaviors: [require('../../behaviors/page')],
  data: { devMode: false, demos: [], busy: false },
  methods: {
    onLoad() {
      const devMode = !!config.current().devLogin
      this.setData({ devMode, state: 'ready' })
      if (devMode) this.loadDemos()
    },
    loadDemos() {
      this.track(auth.devLogins({ quiet: true }), (demos) => {
        this.setData({ demos })
        return demos.length > 0
      })
    },
    // The button is open-type="agreePrivacyAuthorization": tapping it is the privacy agreement.
    onWechatLogin() {
      this.login(() => auth.loginWithWechat())
    },
    onDemo(e) {
      const handle = e.currentTarget.dataset.handle
      this.login(() => auth.devLogin(handle))
    },
    login(doLogin) {
      if (this.data.busy) return Promise.resolve()
      this.setData({ busy: true })
      return doLogin()
        .then((member) => (member.privacy_agreed ? member : me.agreePrivacy()))
        .then((member) => wx.reLaunch({ url: nav.homeFor(member) }))
        .catch(() => null) // the wrapper has shown why
        .then(() => this.setData({ busy: false }))
    },
    onReadPrivacy() {
      wx.navigateTo({ url: '/pages/privacy/index' })
    },
  },
})
