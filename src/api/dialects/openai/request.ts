/** The dialect's name, as its routes and jobs record it. */
export const D = 'openai'
