/**
 * The form of a need for help: service from the menu, what is needed, where, when, how long,
 * and for whom. Shared by 预约服务 and 优先回馈; the page calls collect() to get the body.
 */

const format = require('../../utils/format')
const validate = require('../../utils/validate')

const ESTIMATES = [30, 60, 90, 120, 180].map((m) => ({ minutes: m, text: format.hours(m) }))

// Server field names → where the form shows the reason.
const FIELD_OF = { window_start: 'window', window_end: 'window', unit: 'building', place_detail: 'building', for_member_id: 'for' }

Component({
  behaviors: [require('../../behaviors/elder'), require('../../behaviors/form')],
  properties: {
    categories: { type: Array, value: [] },
    // Family members who act through this phone (亲情代理): [{id, name, relation}].
    family: { type: Array, value: [] },
    address: { type: Object, value: {} },
    showUrgency: { type: Boolean, value: true },
  },
  data: {
    estimates: ESTIMATES,
    catIndex: -1,
    items: [],
    itemIndex: -1,
    description: '',
    building: '',
    unit: '',
    place_detail: '',
    estimated_minutes: 0,
    urgent: false,
    forIndex: -1,
  },
  observers: {
    address(a) {
      if (a && !this.data.building) this.setData({ building: a.building || '', unit: a.unit || '', place_detail: a.room ? `${a.room}室` : '' })
    },
  },
  methods: {
    onCategory(e) {
      const catIndex = Number(e.currentTarget.dataset.index)
      this.setData({ catIndex, items: this.data.categories[catIndex].items, itemIndex: -1, 'errors.category_code': '' })
    },
    onItem(e) {
      this.setData({ itemIndex: Number(e.currentTarget.dataset.index), 'errors.item_code': '' })
    },
    onEstimate(e) {
      const minutes = Number(e.currentTarget.dataset.minutes)
      this.setData({ estimated_minutes: minutes, 'errors.estimated_minutes': '' })
      this.triggerEvent('estimate', { minutes })
    },
    onUrgent(e) {
      this.setData({ urgent: !!e.detail.value })
    },
    /** Whom the need is for: the page hears it (`who`: {id, name}, id null for myself), e.g. to check eligibility again. */
    onFor(e) {
      const forIndex = Number(e.currentTarget.dataset.index)
      if (forIndex === this.data.forIndex) return
      this.setData({ forIndex })
      const who = this.data.family[forIndex]
      this.triggerEvent('who', { id: who ? who.id : null, name: who ? who.name : '' })
    },
    /**
     * Sensible defaults the page sets so nothing has to be filled in (elder mode: 为TA申请 → 提交申请 → 确认):
     * {categoryCode, itemCode, description, day, start, end, minutes}; each can still be changed.
     */
    prefill(d) {
      const found = this.data.categories.findIndex((c) => c.code === d.categoryCode)
      const catIndex = found >= 0 ? found : 0
      const cat = this.data.categories[catIndex]
      if (!cat) return
      const itemIndex = Math.max(0, cat.items.findIndex((i) => i.code === d.itemCode))
      this.setData({
        catIndex, items: cat.items, itemIndex: cat.items.length ? itemIndex : -1,
        description: d.description || '', day: d.day, start: d.start, end: d.end, estimated_minutes: d.minutes,
      })
      this.triggerEvent('estimate', { minutes: d.minutes })
    },
    /** The API body, or null when something is missing (the reasons are then shown under the fields). */
    collect() {
      const d = this.data
      const cat = d.categories[d.catIndex]
      const item = cat && cat.items[d.itemIndex]
      const fields = {
        category_code: cat ? cat.code : '',
        item_code: item ? item.code : '',
        description: d.description,
        building: d.building,
        day: d.day,
        start: d.start,
        end: d.end,
        estimated_minutes: d.estimated_minutes,
      }
      if (this.refuse(validate.checkNeed(fields, d.today))) return null
      const body = {
        category_code: fields.category_code,
        item_code: fields.item_code,
        description: d.description.trim(),
        building: d.building.trim(),
        unit: d.unit.trim(),
        place_detail: d.place_detail.trim(),
        window_start: format.toApiDateTime(d.day, d.start),
        window_end: format.toApiDateTime(d.day, d.end),
        estimated_minutes: d.estimated_minutes,
      }
      if (this.properties.showUrgency) body.urgency = d.urgent ? 'urgent' : 'normal'
      const who = d.family[d.forIndex]
      if (who) body.for_member_id = who.id
      return body
    },
    /** The server's 422 reasons, under the fields they concern. */
    showErrors(err) {
      this.showServerErrors(err, FIELD_OF)
    },
  },
})
