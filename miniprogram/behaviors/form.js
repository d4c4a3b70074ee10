/**
 * What every form shares: typing into a field, the date and time pickers of a time window,
 * the reasons shown under fields (ours before sending, the server's after), and `sending`.
 */

const format = require('../utils/format')

module.exports = Behavior({
  data: { errors: {}, sending: false, today: '', day: '', start: '', end: '' },
  lifetimes: {
    attached() {
      this.setData({ today: format.today() })
    },
  },
  methods: {
    /** <input data-field="open.name">: the value goes to that path; its reason is cleared. */
    onInput(e) {
      const field = e.currentTarget.dataset.field
      this.setData({ [field]: e.detail.value, [`errors.${field.split('.').pop()}`]: '' })
    },
    onDay(e) {
      this.setData({ day: e.detail.value, 'errors.window': '' })
    },
    onStart(e) {
      this.setData({ start: e.detail.value, 'errors.window': '' })
    },
    onEnd(e) {
      this.setData({ end: e.detail.value, 'errors.window': '' })
    },
    /** Show our reasons; true (and a short toast) when there are any, so nothing is sent. */
    refuse(errors) {
      this.setData({ errors })
      const refused = Object.keys(errors).length > 0
      if (refused) wx.showToast({ title: '请按红字提示填写', icon: 'none' })
      return refused
    },
    /** The server's 422 reasons under the fields they concern (`fieldOf` renames API fields). */
    showServerErrors(err, fieldOf) {
      const fe = err && err.fieldErrors ? err.fieldErrors() : {}
      const errors = {}
      Object.keys(fe).forEach((k) => { errors[(fieldOf && fieldOf[k]) || k] = fe[k] })
      this.setData({ errors })
    },
    /**
     * Send the form: one send at a time, then `done(answer)`; a 422's reasons go under the
     * fields (`fieldOf` renames API fields). Other refusals the request wrapper has shown.
     */
    sendForm(call, done, fieldOf) {
      return this.submitting(call).then((answer) => answer && done(answer), (err) => this.showServerErrors(err, fieldOf))
    },
    /** Run one send at a time, with `sending` true meanwhile; resolves with the send's result, or null. */
    submitting(send) {
      if (this.data.sending) return Promise.resolve(null)
      this.setData({ sending: true })
      return send().then((v) => {
        this.setData({ sending: false })
        return v
      }, (err) => {
        this.setData({ sending: false })
        throw err
      })
    },
  },
})
