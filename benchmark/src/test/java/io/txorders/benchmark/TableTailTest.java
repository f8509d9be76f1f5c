package io.txorders.benchmark;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Auto-increment ids commit out of order: the tail hands each row over once, waits for an
 * id it has not seen yet, and gives it up (a rolled-back insert) only after the gap time.
 */
class TableTailTest {

	private final TableTail<Long> tail = new TableTail<>("t", "id", row -> row.getLong(1), 5000);

	@Test
	void eachRowIsHandedOverOnce() {
		this.tail.startAfter(10);

		assertThat(this.tail.accept(List.of(11L, 12L), 0)).containsExactly(11L, 12L);
		assertThat(this.tail.accept(List.of(13L), 10)).containsExactly(13L);
		assertThat(this.tail.floor()).isEqualTo(13);
	}

	@Test
	void anIdThatCommitsLateIsStillRead() {
		this.tail.startAfter(10);

		assertThat(this.tail.accept(List.of(12L, 13L), 0)).containsExactly(12L, 13L);
		assertThat(this.tail.floor()).as("the next poll reads from 11 on").isEqualTo(10);
		assertThat(this.tail.accept(List.of(12L, 13L, 14L), 10)).containsExactly(14L);
		assertThat(this.tail.accept(List.of(11L, 12L, 13L, 14L), 20)).containsExactly(11L);
		assertThat(this.tail.floor()).isEqualTo(14);
	}

	@Test
	void aMissingIdIsGivenUpAfterTheGapTime() {
		this.tail.startAfter(10);

		this.tail.accept(List.of(12L), 1000);
		this.tail.accept(List.of(12L), 5999);
		assertThat(this.tail.floor()).isEqualTo(10);
		this.tail.accept(List.of(12L), 6000);
		assertThat(this.tail.floor()).isEqualTo(12);
	}

}
