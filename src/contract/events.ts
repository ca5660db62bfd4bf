/** Customer activity events (`POST /v1/events`). */
export {}
