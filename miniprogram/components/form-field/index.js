/** One form row: a label, the control (slot), a hint and the reason it was refused. */

Component({
  behaviors: [require('../../behaviors/elder')],
  options: { multipleSlots: false },
  properties: {
    label: { type: String, value: '' },
    required: { type: Boolean, value: false },
    hint: { type: String, value: '' },
    error: { type: String, value: '' },
  },
})
