/** Loading, empty, error and offline states of a list or page, with a way to try again. */

Component({
  behaviors: [require('../../behaviors/elder')],
  properties: {
    state: { type: String, value: 'loading' },
    text: { type: String, value: '' },
    emptyText: { type: String, value: '这里还没有内容' },
  },
  methods: {
    onRetry() {
      this.triggerEvent('retry')
    },
  },
})
