/** One service record (服务记录): who served, when, what, how long; the page adds the buttons. */

const format = require('../../utils/format')

Component({
  behaviors: [require('../../behaviors/elder')],
  properties: {
    record: { type: Object, value: {} },
    // Opened from a notification about this record: drawn with a strong border.
    focused: { type: Boolean, value: false },
  },
  data: { view: {} },
  observers: {
    record(r) {
      if (!r) return
      const minutes = r.credited_minutes || r.duration_minutes
      this.setData({
        view: {
          when: format.windowText(r.started_at, r.ended_at),
          duration: minutes ? format.hours(minutes) : '',
        },
      })
    },
  },
})
