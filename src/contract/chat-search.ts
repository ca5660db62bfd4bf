/** `POST /v1/chats/search` */
export {}
