/** A star scale as a table: each level's marks and name, the hours it needs, reached or how far (utils/stars.levels). */

Component({
  behaviors: [require('../../../../behaviors/elder')],
  properties: {
    levels: { type: Array, value: [] },
  },
})
