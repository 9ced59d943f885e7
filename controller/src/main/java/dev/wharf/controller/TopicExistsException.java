package dev.wharf.controller;

/** A topic by that name already exists. */
public class TopicExistsException extends RuntimeException {
    public TopicExistsException(String topic) {
        super("Topic '" + topic + "' already exists.");
    }
}
