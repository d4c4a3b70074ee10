/**
 * 起草协议 (station only): pick a recipient file, the service and its items, a weekly schedule
 * (which days, from when, how long), start and end dates and the volunteers; every party is
 * then asked to sign.
 */

const agreements = require('../../services/agreements')
const catalog = require('../../services/catalog')
const volunteers = require('../../services/volunteers')
const format = require('../../utils/format')
const view = require('../../utils/agreement')

const LENGTHS = [30, 60, 90, 120].map((m) => ({ minutes: m, text: format.hours(m) }))
const FIELD_OF = { recipient_file_id: 'file', category_code: 'category', item_codes: 'items', volunteer_member_ids: 'volunteers', start_date: 'dates', end_date: 'dates' }

function week() {
  return [1, 2, 3, 4, 5, 6, 7].map((d) => ({ weekday: d, name: `周${view.WEEKDAY[d]}`, on: false, start: '09:00', minutes: 60 }))
}

Component({
  behaviors: [require('../../behaviors/page'), require('../../behaviors/form')],
  data: {
    files: [], fileIndex: -1,
    categories: [], catIndex: -1, items: [],
    volunteers: [],
    week: week(), lengths: LENGTHS,
    content: '', place: '', startDate: '', endDate: '',
  },
  methods: {
    onLoad(query) {
      this.preselect = query && query.file ? Number(query.file) : null
      this.load()
    },
    load() {
      const all = Promise.all([
        agreements.files({ quiet: true }), catalog.getCatalog({ quiet: true }),
        volunteers.list({ status: 'active' }, { quiet: true }),
      ])
      return this.track(all, ([files, c, vols]) => {
        const fileIndex = this.preselect ? files.findIndex((f) => f.id === this.preselect) : -1
        this.setData({
          files: files.map((f) => Object.assign({}, f, { label: `${f.member_name}：${f.needs.slice(0, 12)}` })),
          fileIndex,
          categories: c.categories,
          volunteers: vols.map((v) => ({ member_id: v.member_id, name: v.name, about: v.specialties || '', on: false })),
          startDate: format.today(),
        })
        if (!files.length) this.setData({ stateText: '' })
        return true
      })
    },
    onFile(e) {
      this.setData({ fileIndex: Number(e.detail.value), 'errors.file': '' })
    },
    onCategory(e) {
      const catIndex = Number(e.currentTarget.dataset.index)
      const items = this.data.categories[catIndex].items.map((i) => Object.assign({}, i, { on: false }))
      this.setData({ catIndex, items, 'errors.category': '', 'errors.items': '' })
    },
    onItem(e) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`items[${i}].on`]: !this.data.items[i].on, 'errors.items': '' })
    },
    onDayToggle(e) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`week[${i}].on`]: !this.data.week[i].on, 'errors.schedule': '' })
    },
    onDayStart(e) {
      this.setData({ [`week[${Number(e.currentTarget.dataset.index)}].start`]: e.detail.value })
    },
    onDayLength(e) {
      const { index, minutes } = e.currentTarget.dataset
      this.setData({ [`week[${Number(index)}].minutes`]: Number(minutes) })
    },
    onVolunteer(e) {
      const i = Number(e.currentTarget.dataset.index)
      this.setData({ [`volunteers[${i}].on`]: !this.data.volunteers[i].on, 'errors.volunteers': '' })
    },
    onStartDate(e) {
      this.setData({ startDate: e.detail.value, 'errors.dates': '' })
    },
    onEndDate(e) {
      this.setData({ endDate: e.detail.value, 'errors.dates': '' })
    },
    /** The API body, or null with the reasons shown under the fields. */
    body() {
      const d = this.data
      const file = d.files[d.fileIndex]
      const cat = d.categories[d.catIndex]
      const schedule = d.week.filter((w) => w.on).map((w) => ({ weekday: w.weekday, start: w.start, minutes: w.minutes }))
      const chosen = d.volunteers.filter((v) => v.on).map((v) => v.member_id)
      const errors = {}
      if (!file) errors.file = '请选择服务对象的档案（没有的话先建档立卡）'
      if (!cat) errors.category = '请选择服务类别'
      if (!d.content.trim()) errors.content = '请写清楚每次上门做什么'
      if (!d.place.trim()) errors.place = '请填写上门的地点'
      if (!schedule.length) errors.schedule = '请至少选一天'
      if (!d.startDate || !d.endDate) errors.dates = '请选择开始和结束日期'
      else if (d.endDate < d.startDate) errors.dates = '结束日期不能早于开始日期'
      if (!chosen.length) errors.volunteers = '请至少选一名志愿者'
      if (this.refuse(errors)) return null
      return {
        recipient_file_id: file.id,
        category_code: cat.code,
        item_codes: d.items.filter((i) => i.on).map((i) => i.code),
        content: d.content.trim(),
        place: d.place.trim(),
        schedule,
        start_date: d.startDate,
        end_date: d.endDate,
        volunteer_member_ids: chosen,
      }
    },
    onSubmit() {
      const body = this.body()
      if (!body) return Promise.resolve()
      return this.sendForm(() => agreements.draft(body), (a) => {
        wx.showToast({ title: '已起草，请各方签署', icon: 'none' })
        wx.redirectTo({ url: `/pages/agreements/detail?id=${a.id}` })
      }, FIELD_OF)
    },
    onNewFile() {
      wx.navigateTo({ url: '/pages/recipient-file/index' })
    },
  },
})
