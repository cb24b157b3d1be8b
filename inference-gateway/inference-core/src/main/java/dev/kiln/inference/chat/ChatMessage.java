package dev.kiln.inference.chat;

/** One turn of a conversation: a role (system, developer, user, assistant, tool) and its text. */
public record ChatMessage(String role, String content) {}
