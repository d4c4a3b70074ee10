/**
 * What every page shares: elder mode, and the state of its main list or content
 * (loading / ready / empty / error / offline) for the state-view component.
 */

const elderBehavior = require('./elder')
const nav = require('../utils/nav')

module.exports = Behavior({
  behaviors: [elderBehavior],
  data: { state: 'loading', stateText: '' },
  methods: {
    /**
     * Show loading, wait for `promise`, hand its value to `apply` (which sets the data and
     * returns true when there is something to show), then show ready, empty or the error.
     * Resolves with the value, or null on failure (the state view already says why).
     */
    track(promise, apply) {
      this.setData({ state: 'loading', stateText: '' })
      return promise.then(
        (value) => {
          const hasContent = apply ? apply(value) !== false : true
          this.setData({ state: hasContent ? 'ready' : 'empty' })
          return value
        },
        (err) => {
          this.setData({ state: err && err.offline ? 'offline' : 'error', stateText: (err && err.message) || '' })
          return null
        },
      )
    },
    /**
     * One action on the page's content: ask first when `dialog` is given, run the call, say
     * `words` and read the page again. Resolves false when not done (declined, or refused:
     * the request wrapper has shown the server's reason).
     */
    act(run, words, dialog) {
      const ask = dialog ? nav.confirmDialog(dialog) : Promise.resolve(true)
      return ask.then((yes) => yes && run().then(() => {
        nav.toast(words)
        this.load()
        return true
      }, () => false))
    },
  },
})
