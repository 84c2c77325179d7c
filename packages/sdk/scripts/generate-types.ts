import { writeFileSync } from 'node:fs'
import { GENERATED_FILE, generateTypes } from './openapi-types.js'

writeFileSync(GENERATED_FILE, await generateTypes())
console.log(`wrote ${GENERATED_FILE}`)
