/** 发起活动 (station only): title, date and time (the 16th by default), place, services, places and planned length. */

const events = require('../../services/events')
const catalog = require('../../services/catalog')
const format = require('../../utils/format')
const { next16th } = require('../../utils/event')

const LENGTHS = [60, 90, 120, 180, 240].map((m) => ({ minutes: m, text: format.hours(m) }))
const FIELD_OF = { starts_at: 'when', category_codes: 'categories', planned_minutes: 'length' }


Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    categories: [], lengths: LENGTHS,
    title: '', place: '', capacity: '20', description: '', planned: 120,
  },
  methods: {
    onLoad() {
      const day = next16th(format.today())
      const p = format.parts(day)
      this.setData({ day, start: '09:00', title: `${p.mo}月16日集中服务` })
      this.load()
    },
    load() {
      return this.track(catalog.getCatalog({ quiet: true }), (c) => {
        this.setData({ categories: c.categories.map((x) => ({ code: x.code, name: x.name, on: false })) })
      })
    },
    onCategory(e) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`categories[${i}].on`]: !this.data.categories[i].on, 'errors.categories': '' })
    },
    onLength(e) {
      this.setData({ planned: Number(e.currentTarget.dataset.minutes), 'errors.length': '' })
    },
    body() {
      const d = this.data
      const codes = d.categories.filter((c) => c.on).map((c) => c.code)
      const capacity = Number(d.capacity)
      const errors = {}
      if (!d.title.trim()) errors.title = '请给活动起个名字'
      if (!d.day || !d.start) errors.window = '请选择日期和开始时间'
      else if (d.day < d.today) errors.window = '日期不能早于今天'
      if (!d.place.trim()) errors.place = '请填写集合地点'
      if (!codes.length) errors.categories = '请至少选一类服务'
      if (!Number.isInteger(capacity) || capacity < 1 || capacity > 500) errors.capacity = '名额请填 1 到 500 的整数'
      if (this.refuse(errors)) return null
      const body = {
        title: d.title.trim(),
        starts_at: format.toApiDateTime(d.day, d.start),
        place: d.place.trim(),
        category_codes: codes,
        capacity,
        planned_minutes: d.planned,
      }
      if (d.description.trim()) body.description = d.description.trim()
      return body
    },
    onSubmit() {
      const body = this.body()
      if (!body) return Promise.resolve()
      return this.sendForm(() => events.create(body), (e) => {
        wx.showToast({ title: '活动已发起', icon: 'success' })
        wx.redirectTo({ url: `/pages/events/detail?id=${e.id}` })
      }, FIELD_OF)
    },
  },
})
