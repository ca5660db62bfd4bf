/** Words and lines the seeder builds synthetic people and conversations from. */

export const FIRST_NAMES = [
  'Alice',
  'Bohdan',
  'Carla',
  'Dev',
  'Elena',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kateryna',
  'Liam',
  'Maya',
  'Nikolai',
  'Olga',
  'Pedro',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
] as const

export const LAST_NAMES = [
  'Martin',
  'Kovalenko',
  'Rossi',
  'Patel',
  'Novak',
  'Haddad',
  'Kim',
  'Tanaka',
  'Garcia',
  'Schmidt',
  'Shevchenko',
  'Walsh',
  'Cohen',
  'Ivanov',
  'Berg',
  'Silva',
  'Moreau',
  'Lind',
] as const

export const CUSTOMER_LINES = [
  'Hi, I cannot log in to my account.',
  'Where is my order? It has been a week.',
  'Can I change my plan to yearly billing?',
  'The app crashes when I upload a photo.',
  'Do you ship to Canada?',
  'Thanks, that fixed it!',
  'I was charged twice this month.',
  'How do I export my invoices?',
] as const

export const AGENT_LINES = [
  'Thanks for reaching out! Let me check that for you.',
  'Could you send me your order number, please?',
  'I have reset your password; please check your inbox.',
  'I have refunded the duplicate charge.',
  'Yes, we ship worldwide within 5 to 7 days.',
  'Glad to help, have a great day!',
] as const
