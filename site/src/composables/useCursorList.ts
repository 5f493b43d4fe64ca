/**
 * A list read with cursors (督办's overdue demands, 数据质量's warnings): the rows of the current page,
 * its number, whether there is a page before or after, and the calls the page wires to its filters
 * and to CursorPager. The cursors of the pages already seen are kept, so 上一页 goes back exactly;
 * answers of an older request never overwrite a newer one.
 */
import { computed, ref, shallowRef, type Ref } from 'vue';
import { ElMessage } from 'element-plus';
import { errorMessage } from '../api/client';

export interface CursorAnswer<T> {
  items: T[];
  nextCursor: string | null;
}

export function useCursorList<T>(fetchPage: (page: { cursor?: string; limit: number }) => Promise<CursorAnswer<T>>, options: { limit?: number } = {}) {
  const rows: Ref<T[]> = shallowRef([]);
  const loading = ref(false);
  const limit = ref(options.limit ?? 10);
  /** The cursor of each page seen so far (the first page has none). */
  const cursors = ref<(string | undefined)[]>([undefined]);
  const page = ref(1);
  const next = ref<string | null>(null);
  let latest = 0;

  async function load(): Promise<void> {
    const request = ++latest;
    loading.value = true;
    try {
      const cursor = cursors.value[page.value - 1];
      const answer = await fetchPage({ ...(cursor ? { cursor } : {}), limit: limit.value });
      if (request !== latest) return;
      rows.value = answer.items;
      next.value = answer.nextCursor;
    } catch (error) {
      if (request !== latest) return;
      rows.value = [];
      next.value = null;
      ElMessage.error(errorMessage(error));
    } finally {
      if (request === latest) loading.value = false;
    }
  }

  /** From the first page (new filters). */
  function search(): Promise<void> {
    cursors.value = [undefined];
    page.value = 1;
    return load();
  }

  function nextPage(): Promise<void> {
    if (!next.value) return Promise.resolve();
    cursors.value = [...cursors.value.slice(0, page.value), next.value];
    page.value += 1;
    return load();
  }

  function previousPage(): Promise<void> {
    if (page.value <= 1) return Promise.resolve();
    page.value -= 1;
    return load();
  }

  return { rows, loading, limit, page, hasNext: computed(() => next.value !== null), hasPrevious: computed(() => page.value > 1), load, search, nextPage, previousPage };
}
